package workflow

import (
	"context"
	"errors"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft"
)

// Session signs the partner in and out and records who is signed in. The
// client writes the token cache after each sign-in, so the next command
// signs in silently; sign-out also deletes the saved cache outright.
type Session struct {
	Client *microsoft.Client
	Cache  *microsoft.TokenCache // cleared on sign-out; nil when the cache is not persisted
	Keep   Keeper
	// OpenURL opens the browser for the interactive flow; nil lets MSAL
	// choose (it fails where no browser exists).
	OpenURL func(url string) error
}

// Account is the cached sign-in, if any. A sign-in found expired or revoked
// is forgotten in the store too, so status stops naming it.
func (s *Session) Account(ctx context.Context) (connectors.Account, bool, error) {
	acct, ok, err := s.Client.Account(ctx)
	if errors.Is(err, connectors.ErrSignInRequired) {
		err = errors.Join(err, s.Keep.ClearAccount())
	}
	return acct, ok, err
}

// StartDeviceCode asks Microsoft for a device code to show.
func (s *Session) StartDeviceCode(ctx context.Context) (*microsoft.DeviceCode, error) {
	return s.Client.StartDeviceCode(ctx)
}

// WaitDeviceCode waits until the code is used, then records the account.
func (s *Session) WaitDeviceCode(ctx context.Context, dc *microsoft.DeviceCode) (connectors.Account, error) {
	acct, err := s.Client.WaitDeviceCode(ctx, dc)
	if err != nil {
		return acct, err
	}
	return acct, s.signedIn(acct)
}

// SignInBrowser signs in with the interactive browser flow.
func (s *Session) SignInBrowser(ctx context.Context) (connectors.Account, error) {
	acct, err := s.Client.SignInBrowser(ctx, s.OpenURL)
	if err != nil {
		return acct, err
	}
	return acct, s.signedIn(acct)
}

// signedIn records the account. The client has already written the token
// cache (a sign-in is worth one write right away).
func (s *Session) signedIn(acct connectors.Account) error {
	return s.Keep.SaveAccount(acct)
}

// SignOut forgets the sign-in: the cached tokens and the recorded account.
func (s *Session) SignOut(ctx context.Context) error {
	errs := []error{s.Client.SignOut(ctx)}
	if s.Cache != nil {
		errs = append(errs, s.Cache.Clear())
	}
	errs = append(errs, s.Keep.ClearAccount())
	return errors.Join(errs...)
}
