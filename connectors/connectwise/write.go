package connectwise

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// rereadTimeout bounds the re-read after a write whose answer was lost
// when the caller's own context has ended: learning what happened is worth
// a few more seconds, not an unbounded wait.
const rereadTimeout = 30 * time.Second

// Timing is ApplyAtOnce: ConnectWise changes an addition's quantity the
// moment the PATCH is accepted, and a further change undoes it.
func (c *Client) Timing() connectors.ApplyTiming { return connectors.ApplyAtOnce }

// Line re-reads one addition and its agreement live. An addition that no
// longer exists (or no longer on that agreement) is ErrNotFound.
func (c *Client) Line(ctx context.Context, ref connectors.LineRef) (connectors.BillingLine, error) {
	l, _, _, err := c.readLine(ctx, ref)
	return l, err
}

// readLine reads the agreement and the addition at once and maps them;
// whole reports whether the quantity is a plain whole number, and the
// agreement comes back for mapping the answer of a write.
func (c *Client) readLine(ctx context.Context, ref connectors.LineRef) (l connectors.BillingLine, whole bool, a wireAgreement, err error) {
	aid, lid := id(numberOf(ref.AgreementID)), id(numberOf(ref.LineID))
	if aid == "" || lid == "" {
		return connectors.BillingLine{}, false, a, &connectors.Error{Kind: connectors.ErrBadRequest, Service: service, Op: "read addition",
			Message: fmt.Sprintf("%q / %q is not a ConnectWise agreement and addition id: make a new plan with `seats reconcile plan`", ref.AgreementID, ref.LineID)}
	}
	op := "read addition " + lid + " of agreement " + aid
	var w wireAddition
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		_, err := c.get(gctx, "/finance/agreements/"+aid, nil, op, &a)
		return err
	})
	g.Go(func() error {
		_, err := c.get(gctx, "/finance/agreements/"+aid+"/additions/"+lid, nil, op, &w)
		return err
	})
	if err := g.Wait(); err != nil {
		return connectors.BillingLine{}, false, a, err
	}
	if id(w.ID) != lid || (id(w.AgreementID) != "" && id(w.AgreementID) != aid) {
		return connectors.BillingLine{}, false, a, &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op,
			Message: "ConnectWise answered with another addition"}
	}
	l, whole = c.lineFrom(a, w, c.now())
	return l, whole, a, nil
}

// SetQuantity sets one addition's quantity with a JSON patch, the way
// ConnectWise changes one field: it applies at once (ApplyAtOnce) and can
// be undone by another change.
//
//   - While writes are turned off it refuses with ErrWriteDisabled and
//     sends nothing at all.
//   - It re-reads the addition first and refuses with ErrConflict when the
//     quantity, _info.lastUpdated, company or item moved since the caller
//     read it (ConnectWise has no ETag, so this is the only guard), and
//     with ErrBadRequest when the live quantity is not a whole number.
//   - A line that already holds the new quantity is not written again.
//   - The PATCH is never retried blindly (httpx does not retry PATCH). A
//     refusal (4xx) is reported as it is: nothing changed. After any other
//     failure (5xx, a timeout, a dropped connection, an unreadable answer)
//     the addition is re-read: if it holds the new quantity the write
//     happened and is reported done; if it still holds the old one and its
//     version, the write did not happen and the failure is reported; if the
//     re-read fails it is ErrUnconfirmed. Only a 429 (ConnectWise did not
//     look at the request) is sent again, after Retry-After, and only once a
//     re-read shows the line unchanged.
func (c *Client) SetQuantity(ctx context.Context, ch connectors.QuantityChange) (connectors.WriteResult, error) {
	const op = "change quantity"
	ref := ch.Line.LineRef
	if !c.cfg.WriteEnabled {
		return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrWriteDisabled, Service: service, Op: op,
			Message: "psa.write_enabled is off: seats sends no change to ConnectWise until it is turned on"}
	}
	if ch.NewQuantity < 0 {
		return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrBadRequest, Service: service, Op: op,
			Message: fmt.Sprintf("a quantity of %d: a line is set to 0 at the least, never below", ch.NewQuantity)}
	}
	live, whole, agreement, err := c.readLine(ctx, ref)
	if err != nil {
		return connectors.WriteResult{}, err
	}
	if msg := moved(ch.Line, live); msg != "" {
		return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrConflict, Service: service, Op: op,
			Message: "addition " + live.LineID + ": " + msg + "; nothing was written"}
	}
	if !whole {
		return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrBadRequest, Service: service, Op: op,
			Message: "addition " + live.LineID + " holds a quantity that is not a whole number of seats; change it in ConnectWise"}
	}
	done := func(l connectors.BillingLine) (connectors.WriteResult, error) {
		return connectors.WriteResult{Line: l, Timing: connectors.ApplyAtOnce, Undoable: true}, nil
	}
	if live.Quantity == ch.NewQuantity {
		return done(live)
	}
	u, err := c.apiURL(ctx)
	if err != nil {
		return connectors.WriteResult{}, err
	}
	u += "/finance/agreements/" + live.AgreementID + "/additions/" + live.LineID
	// RFC 6902 writes the path as a pointer; public clients send the bare
	// field name, and ConnectWise (ASP.NET's JSON patch) takes both.
	body := []patchOp{{Op: "replace", Path: "/quantity", Value: ch.NewQuantity}}
	for attempt := 1; ; attempt++ {
		var w wireAddition
		_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPatch, URL: u, Header: c.header, Body: body, Op: op}, &w)
		if err == nil {
			if l, _ := c.lineFrom(agreement, w, c.now()); l.Quantity == ch.NewQuantity && l.LineID == live.LineID {
				return done(l)
			}
			// A 200 that does not show the change: learn the truth below.
			err = &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op,
				Message: "ConnectWise accepted the change but answered without the new quantity"}
		}
		if refused(err) {
			return connectors.WriteResult{}, c.explainRefusal(err, live, ch.NewQuantity)
		}
		after, rerr := c.reread(ctx, ref)
		switch {
		case rerr != nil:
			return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrUnconfirmed, Service: service, Op: op,
				Message: fmt.Sprintf("setting addition %s from %d to %d got no clear answer (%v) and the addition could not be read again (%v): look at it in ConnectWise before trying again",
					live.LineID, live.Quantity, ch.NewQuantity, err, rerr), Err: err}
		case after.Quantity == ch.NewQuantity:
			return done(after) // the write happened; only its answer was lost
		case after.Quantity != live.Quantity || after.Version != live.Version:
			return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrConflict, Service: service, Op: op,
				Message: fmt.Sprintf("addition %s changed while seats was setting it to %d: it now holds %d (updated %s); the change from seats is not in it", live.LineID, ch.NewQuantity, after.Quantity, after.Version), Err: err}
		}
		// Unchanged: the write did not happen.
		if retryAfter, throttled := throttled(err); throttled && attempt < httpx.DefaultMaxAttempts {
			if serr := c.sleep(ctx, retryAfter); serr != nil {
				return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrCanceled, Service: service, Op: op, Err: serr,
					Message: "stopped while waiting to send the change again; addition " + live.LineID + " was not changed"}
			}
			continue
		}
		return connectors.WriteResult{}, notWritten(err, live)
	}
}

// reread reads the line again after a failed write, with a context of its
// own when the caller's has ended (a timeout is exactly when seats most
// needs to know).
func (c *Client) reread(ctx context.Context, ref connectors.LineRef) (connectors.BillingLine, error) {
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), rereadTimeout)
		defer cancel()
	}
	l, _, _, err := c.readLine(ctx, ref)
	return l, err
}

// moved says how the live line differs from the line as the caller read
// it, or "" when it does not.
func moved(read, live connectors.BillingLine) string {
	switch {
	case live.Quantity != read.Quantity:
		return fmt.Sprintf("its quantity is %d, not %d (updated %s)", live.Quantity, read.Quantity, live.Version)
	case read.Version != "" && live.Version != read.Version:
		return fmt.Sprintf("it was updated at %s, after the read of %s", live.Version, read.Version)
	case read.CompanyID != "" && live.CompanyID != read.CompanyID:
		return fmt.Sprintf("its agreement now belongs to company %s, not %s", live.CompanyID, read.CompanyID)
	case read.ItemID != "" && live.ItemID != read.ItemID:
		return fmt.Sprintf("it now bills catalogue item %s, not %s", live.ItemID, read.ItemID)
	}
	return ""
}

// refused reports whether ConnectWise answered the write with a refusal:
// a 4xx other than 408 (a timeout) and 429 (throttled, not looked at).
// The request was judged and turned down, so nothing changed.
func refused(err error) bool {
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		return false
	}
	return ce.Status >= 400 && ce.Status <= 499 && ce.Status != http.StatusRequestTimeout && ce.Status != http.StatusTooManyRequests
}

// throttled reports whether err is a 429 and how long ConnectWise asked to
// wait (DefaultRetryAfter seconds when it did not say).
func throttled(err error) (time.Duration, bool) {
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Status != http.StatusTooManyRequests {
		return 0, false
	}
	wait := 2 * time.Second
	var se *httpx.StatusError
	if errors.As(err, &se) && se.RetryAfter > 0 {
		wait = min(se.RetryAfter, httpx.DefaultMaxRetryWait)
	}
	return wait, true
}

// explainRefusal says what ConnectWise refused and that nothing changed.
func (c *Client) explainRefusal(err error, live connectors.BillingLine, to int) error {
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		return err
	}
	if ce.Status == http.StatusUnauthorized || ce.Status == http.StatusForbidden || mentionsClientID(ce) {
		if ce.Status == http.StatusForbidden {
			out := *ce
			out.Message = "the API member's security role may not change agreement additions (ConnectWise said: " +
				firstNonEmpty(ce.Message, ce.Code, "forbidden") + "): give its role Finance > Agreements edit; addition " + live.LineID + " was not changed"
			return &out
		}
		return c.explain(err)
	}
	out := *ce
	if ce.Status == http.StatusConflict {
		out.Kind = connectors.ErrConflict
	}
	said := firstNonEmpty(ce.Message, ce.Code, http.StatusText(ce.Status))
	out.Message = fmt.Sprintf("ConnectWise refused to set addition %s to %d: %s; nothing was changed", live.LineID, to, said)
	return &out
}

// notWritten reports a failed write that a re-read proved did not happen.
func notWritten(err error, live connectors.BillingLine) error {
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		return err
	}
	out := *ce
	out.Message = fmt.Sprintf("%s; a re-read shows addition %s still at %d, so nothing was changed and it is safe to try again",
		firstNonEmpty(ce.Message, ce.Code, "the change failed"), live.LineID, live.Quantity)
	return &out
}

// numberOf turns an id as seats keeps it back into a JSON number.
func numberOf(s string) json.Number { return json.Number(s) }
