package httpx

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestLogTransportRedacts(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}))
	defer srv.Close()
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	client := &http.Client{Transport: LogTransport(nil, logger, "sign-in")}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"SECRETVALUE"}}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/organizations/oauth2/v2.0/token?code=SECRETVALUE", strings.NewReader(form.Encode()))
	req.Header.Set("Authorization", "Bearer SECRETVALUE")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	out := buf.String()
	if strings.Contains(out, "SECRETVALUE") {
		t.Fatalf("the log carries a secret:\n%s", out)
	}
	if !strings.Contains(out, "status=418") || !strings.Contains(out, "service=sign-in") || !strings.Contains(out, "/organizations/oauth2/v2.0/token") {
		t.Fatalf("the log misses the request:\n%s", out)
	}
	if LogTransport(http.DefaultTransport, nil, "x") != http.DefaultTransport {
		t.Fatal("a nil logger should leave the transport alone")
	}
}
