package msfake

import (
	"strings"
	"testing"
)

var testKey = []byte("a test key, not a secret")

func TestSealRoundTripAndSeparation(t *testing.T) {
	t.Parallel()
	blob := seal(testKey, "rt", refreshGrant{OID: "o", CID: "c", Iat: 42, Gen: 1})
	var got refreshGrant
	if err := unseal(testKey, "rt", blob, &got); err != nil || got != (refreshGrant{OID: "o", CID: "c", Iat: 42, Gen: 1}) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	tests := []struct {
		name string
		key  []byte
		kind string
		blob string
		want error
	}{
		{"other kind", testKey, "dc", blob, errBadSignature},
		{"other key", []byte("another key"), "rt", blob, errBadSignature},
		{"flipped payload", testKey, "rt", "x" + blob[1:], errBadSignature},
		{"no signature", testKey, "rt", strings.Split(blob, ".")[0], errMalformed},
		{"extra dot", testKey, "rt", blob + ".x", errMalformed},
		{"empty", testKey, "rt", "", errMalformed},
	}
	for _, tt := range tests {
		var v refreshGrant
		if err := unseal(tt.key, tt.kind, tt.blob, &v); err != tt.want {
			t.Errorf("%s: err %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestJWTVerification(t *testing.T) {
	t.Parallel()
	tok := signJWT(testKey, accessClaims{Aud: "https://h/graph", TID: "t"})
	var c accessClaims
	if err := parseJWT(testKey, tok, &c); err != nil || c.Aud != "https://h/graph" {
		t.Fatalf("round trip: %+v, %v", c, err)
	}
	parts := strings.Split(tok, ".")
	forged := parts[0] + "." + b64.EncodeToString([]byte(`{"aud":"https://h/graph","tid":"other"}`)) + "." + parts[2]
	tests := []struct {
		name string
		tok  string
		want error
	}{
		{"forged claims", forged, errBadSignature},
		{"other key", signJWT([]byte("k2"), c), errBadSignature},
		{"alg none", b64.EncodeToString([]byte(`{"alg":"none"}`)) + "." + parts[1] + ".", errMalformed},
		{"two parts", parts[0] + "." + parts[1], errMalformed},
		{"sealed blob", seal(testKey, "rt", c), errMalformed},
	}
	for _, tt := range tests {
		if err := parseJWT(testKey, tt.tok, &c); err != tt.want {
			t.Errorf("%s: err %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestUserCodeAndGUIDs(t *testing.T) {
	t.Parallel()
	a, b := userCodeFor(testKey, "code-a"), userCodeFor(testKey, "code-b")
	if len(a) != 9 || a == b || a != userCodeFor(testKey, "code-a") {
		t.Errorf("user codes %q %q: want 9 characters, stable and distinct", a, b)
	}
	for _, r := range a {
		if !strings.ContainsRune(userCodeAlphabet, r) {
			t.Errorf("user code %q has %q outside the readable alphabet", a, r)
		}
	}
	g := guidFrom("x", "y")
	if len(g) != 36 || g != guidFrom("x", "y") || g == guidFrom("xy") || strings.Count(g, "-") != 4 {
		t.Errorf("guidFrom: %q", g)
	}
	if newGUID() == newGUID() {
		t.Error("newGUID repeats")
	}
}

// FuzzUnseal checks that no input makes the blob parser panic and that
// nothing but the one real blob verifies.
func FuzzUnseal(f *testing.F) {
	valid := seal(testKey, "skip:users", skipGrant{Offset: 4})
	f.Add(valid)
	f.Add("")
	f.Add(".")
	f.Add("e30.AAAA")
	f.Add(valid + "x")
	f.Fuzz(func(t *testing.T, blob string) {
		var g skipGrant
		err := unseal(testKey, "skip:users", blob, &g)
		if err == nil && blob != valid && g.Offset != 4 {
			t.Fatalf("a forged blob verified: offset %d", g.Offset)
		}
	})
}

// FuzzParseJWT checks that no input makes the token parser panic and that
// a verified token always decodes to the claims that were signed.
func FuzzParseJWT(f *testing.F) {
	valid := signJWT(testKey, accessClaims{Aud: "https://h/graph", TID: "t"})
	f.Add(valid)
	f.Add("")
	f.Add("a.b.c")
	f.Add(jwtHeader + "..")
	f.Fuzz(func(t *testing.T, tok string) {
		var c accessClaims
		if err := parseJWT(testKey, tok, &c); err == nil && (c.Aud != "https://h/graph" || c.TID != "t") {
			t.Fatalf("a forged token verified with claims %+v", c)
		}
	})
}
