package config

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// TLSConfig returns a TLS configuration whose RootCAs are the system roots
// plus the certificates of tls.ca_file, if set (an MSP behind a TLS-inspecting
// proxy, or the sandbox's loopback CA). SSL_CERT_FILE and SSL_CERT_DIR keep
// working as Go's default, since SystemCertPool honours them.
func (c *Config) TLSConfig() (*tls.Config, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		// No system roots (e.g. a bare container): the CA file alone may
		// still be enough, so this is not an error.
		pool = x509.NewCertPool()
	}
	if caFile := c.Settings().TLS.CAFile; caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("config: %s: cannot read %s: %w", KeyCAFile, caFile, err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("config: %s: %s holds no PEM certificate", KeyCAFile, caFile)
		}
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// The timeouts of HTTPClient. The overall timeout bounds one request with
// its body; callers still pass contexts so the user can cancel sooner.
const (
	dialTimeout           = 10 * time.Second
	tlsHandshakeTimeout   = 10 * time.Second
	responseHeaderTimeout = 60 * time.Second
	requestTimeout        = 2 * time.Minute
)

// HTTPClient returns a new *http.Client that trusts TLSConfig's roots, takes
// its proxy from the environment (HTTPS_PROXY, NO_PROXY) and has bounded
// dial, handshake, header and whole-request timeouts. connectors/httpx adds
// retries and redaction on top of it.
func (c *Config) HTTPClient() (*http.Client, error) {
	tlsConf, err := c.TLSConfig()
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tlsConf,
		TLSHandshakeTimeout:   tlsHandshakeTimeout,
		ResponseHeaderTimeout: responseHeaderTimeout,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   16,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: tr, Timeout: requestTimeout}, nil
}
