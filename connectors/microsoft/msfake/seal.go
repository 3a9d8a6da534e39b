package msfake

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Everything the fake hands out (access and ID tokens, refresh tokens, device
// codes, authorization codes, paging tokens) is signed with the world's key
// and carries its own state. Nothing is remembered per token, so two
// processes serving the same World accept each other's tokens, codes and
// paging links, the way Microsoft's front ends do.

var (
	errMalformed    = errors.New("malformed")
	errBadSignature = errors.New("bad signature")
)

var b64 = base64.RawURLEncoding

// sealMACLen is how much of the HMAC a sealed blob keeps: 128 bits is far
// beyond guessing and keeps paging links short.
const sealMACLen = 16

// seal signs payload as an opaque blob of the given kind. The kind is part
// of the MAC input, so a paging token can never be replayed as a refresh
// token and so on.
func seal(key []byte, kind string, payload any) string {
	raw, err := json.Marshal(payload)
	if err != nil {
		// Payloads are the package's own plain structs; failing here is a bug.
		panic(fmt.Sprintf("msfake: sealing %s: %v", kind, err))
	}
	body := b64.EncodeToString(raw)
	return body + "." + b64.EncodeToString(sealMAC(key, kind, body))
}

// unseal verifies a blob made by seal for the same kind and decodes its
// payload into dst.
func unseal(key []byte, kind, blob string, dst any) error {
	body, sig, ok := strings.Cut(blob, ".")
	if !ok || body == "" || strings.Contains(sig, ".") {
		return errMalformed
	}
	got, err := b64.DecodeString(sig)
	if err != nil {
		return errMalformed
	}
	if !hmac.Equal(got, sealMAC(key, kind, body)) {
		return errBadSignature
	}
	raw, err := b64.DecodeString(body)
	if err != nil {
		return errMalformed
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return errMalformed
	}
	return nil
}

func sealMAC(key []byte, kind, body string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("msfake:" + kind + ":" + body))
	return m.Sum(nil)[:sealMACLen]
}

// jwtHeader is the header of every JWT the fake signs. Real Entra tokens are
// RS256; HS256 with the world's key keeps the fake free of key management
// while clients, which must not validate access tokens anyway, decode the
// payload the same way.
var jwtHeader = b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT","kid":"msfake"}`))

// signJWT returns a compact HS256 JWT with the given claims.
func signJWT(key []byte, claims any) string {
	raw, err := json.Marshal(claims)
	if err != nil {
		panic(fmt.Sprintf("msfake: signing JWT: %v", err))
	}
	unsigned := jwtHeader + "." + b64.EncodeToString(raw)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(unsigned))
	return unsigned + "." + b64.EncodeToString(m.Sum(nil))
}

// parseJWT verifies a JWT made by signJWT and decodes its claims into dst.
// It checks the signature only; the caller checks expiry and audience.
func parseJWT(key []byte, token string, dst any) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] != jwtHeader {
		return errMalformed
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return errMalformed
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(parts[0] + "." + parts[1]))
	if !hmac.Equal(sig, m.Sum(nil)) {
		return errBadSignature
	}
	raw, err := b64.DecodeString(parts[1])
	if err != nil {
		return errMalformed
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return errMalformed
	}
	return nil
}

// guidFrom derives a stable GUID-shaped id from its parts, so that ids the
// world does not store (commerce ids, access containers, sub claims) stay the
// same across processes and runs.
func guidFrom(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return formatGUID(sum[:16])
}

// newGUID returns a random GUID for request and trace ids.
func newGUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand never fails on supported platforms.
		panic(fmt.Sprintf("msfake: reading random bytes: %v", err))
	}
	return formatGUID(b[:])
}

func formatGUID(b []byte) string {
	b = append([]byte(nil), b...)
	b[6] = b[6]&0x0f | 0x40 // version 4 layout, as Entra's ids look
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// userCodeAlphabet leaves out letters and digits people confuse (0/O, 1/I/L).
const userCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// userCodeFor derives the 9-character code shown to the user from the device
// code itself, so any process can tell which user code a device code has.
func userCodeFor(key []byte, deviceCode string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("msfake:usercode:" + deviceCode))
	sum := m.Sum(nil)
	var b strings.Builder
	for i := 0; i < 9; i++ {
		b.WriteByte(userCodeAlphabet[int(sum[i])%len(userCodeAlphabet)])
	}
	return b.String()
}
