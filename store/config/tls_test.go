package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeTestCA writes a freshly generated self-signed CA certificate to
// dir/ca.pem and returns the path.
func writeTestCA(t *testing.T, dir string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "seats test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestHTTPClientTrustsCAFile(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("hello"))
	}))
	// The refused handshake is the point of one case; keep it out of the test log.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	home := t.TempDir()
	caPath := filepath.Join(home, "server.pem")
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caPath, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		file    string
		wantErr bool
	}{
		{name: "system roots only", file: "", wantErr: true},
		{name: "with tls.ca_file", file: "tls:\n  ca_file: " + caPath + "\n", wantErr: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Load(writeConfig(t, tt.file), nil)
			if err != nil {
				t.Fatal(err)
			}
			client, err := c.HTTPClient()
			if err != nil {
				t.Fatal(err)
			}
			resp, err := client.Get(srv.URL)
			if tt.wantErr {
				if err == nil {
					resp.Body.Close()
					t.Fatal("request succeeded without trusting the server's certificate")
				}
				if !strings.Contains(err.Error(), "certificate") {
					t.Errorf("error %v is not a certificate error", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("request failed with tls.ca_file set: %v", err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status %d", resp.StatusCode)
			}
		})
	}
}

func TestTLSConfigAddsGeneratedCA(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	ca := writeTestCA(t, home)
	c, err := Load(home, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Override(KeyCAFile, ca); err != nil {
		t.Fatal(err)
	}
	conf, err := c.TLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	if conf.RootCAs == nil || conf.MinVersion == 0 {
		t.Fatalf("TLSConfig = %+v", conf)
	}
	data, _ := os.ReadFile(ca)
	block, _ := pem.Decode(data)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: conf.RootCAs}); err != nil {
		t.Errorf("the CA file's certificate is not trusted: %v", err)
	}
}
