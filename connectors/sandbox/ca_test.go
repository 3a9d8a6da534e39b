package sandbox

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestCAIsCreatedOnceAndKept(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Now()
	first, created, err := loadOrCreateCA(dir, now)
	if err != nil || !created {
		t.Fatalf("first load: created=%v err=%v, want a new CA", created, err)
	}
	for name, want := range map[string]os.FileMode{caFileName: 0o644, caKeyFileName: 0o600} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s has mode %v, want %v", name, got, want)
		}
	}
	again, created, err := loadOrCreateCA(dir, now.Add(time.Hour))
	if err != nil || created {
		t.Fatalf("second load: created=%v err=%v, want the same CA", created, err)
	}
	if !again.cert.Equal(first.cert) {
		t.Error("second load returned another CA certificate")
	}
	renewed, created, err := loadOrCreateCA(dir, first.cert.NotAfter.Add(-time.Hour))
	if err != nil || !created || renewed.cert.Equal(first.cert) {
		t.Errorf("near expiry: created=%v err=%v, want a new CA", created, err)
	}
}

func TestCAReplacesBrokenFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		damage func(dir string) error
	}{
		{"key missing", func(dir string) error { return os.Remove(filepath.Join(dir, caKeyFileName)) }},
		{"certificate garbage", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, caFileName), []byte("not a certificate"), 0o644)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if _, _, err := loadOrCreateCA(dir, time.Now()); err != nil {
				t.Fatal(err)
			}
			if err := tt.damage(dir); err != nil {
				t.Fatal(err)
			}
			_, created, err := loadOrCreateCA(dir, time.Now())
			if err != nil || !created {
				t.Fatalf("created=%v err=%v, want a new CA", created, err)
			}
			if _, err := loadCA(dir); err != nil {
				t.Errorf("the new CA does not load back: %v", err)
			}
		})
	}
}

// The CA is trusted by seats, so it must not be good for anything but
// loopback names.
func TestCAOnlyVouchesForLoopback(t *testing.T) {
	t.Parallel()
	ca, err := newCA(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	server, err := ca.serverCertificate(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(server.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"127.0.0.1", "localhost", "::1"} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: ca.pool(), DNSName: name}); err != nil {
			t.Errorf("server certificate is not valid for %s: %v", name, err)
		}
	}

	tests := []struct {
		name string
		tmpl x509.Certificate
	}{
		{"public DNS name", x509.Certificate{DNSNames: []string{"login.microsoftonline.com"}}},
		{"public IP", x509.Certificate{IPAddresses: []net.IP{net.IPv4(20, 190, 128, 1)}}},
	}
	for _, tt := range tests {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := tt.tmpl
		tmpl.SerialNumber = big.NewInt(2)
		tmpl.Subject = pkix.Name{CommonName: tt.name}
		tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		der, err := x509.CreateCertificate(rand.Reader, &tmpl, ca.cert, &key.PublicKey, ca.key)
		if err != nil {
			t.Fatal(err)
		}
		bad, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bad.Verify(x509.VerifyOptions{Roots: ca.pool()}); err == nil {
			t.Errorf("%s: a certificate signed by the sandbox CA verified; its name constraints should refuse it", tt.name)
		}
	}
}
