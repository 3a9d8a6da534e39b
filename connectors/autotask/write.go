package autotask

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
	"github.com/seats-msp/seats/connectors/internal/field"
)

// rereadTimeout bounds the re-read after a write whose answer was lost
// when the caller's own context has ended.
const rereadTimeout = 30 * time.Second

// defaultRetryAfter is the wait after a 429 that names none (public
// Autotask clients wait a minute).
const defaultRetryAfter = 60 * time.Second

// Timing is ApplyFromDate: an adjustment applies from its effective date,
// and cannot be undone or deleted, only reversed by another adjustment.
func (c *Client) Timing() connectors.ApplyTiming { return connectors.ApplyFromDate }

// Line re-reads one contract service, its contract and its units live. A
// contract service that does not exist, or not on that contract, is
// ErrNotFound.
func (c *Client) Line(ctx context.Context, ref connectors.LineRef) (connectors.BillingLine, error) {
	l, err := c.readLine(ctx, ref)
	return l.line, err
}

// liveLine is a line as read for a write: the mapped line, whether its
// quantity is whole, and what a write needs of the raw records.
type liveLine struct {
	line     connectors.BillingLine
	whole    bool
	rows     []unitsRow
	contract wireContract
	service  wireContractService
}

// readLine reads the contract, the contract service and its units rows at
// once (three calls; the contract's picklist once per Client).
func (c *Client) readLine(ctx context.Context, ref connectors.LineRef) (liveLine, error) {
	kid, lid := id(json.Number(ref.AgreementID)), id(json.Number(ref.LineID))
	if kid == "" || lid == "" {
		return liveLine{}, &connectors.Error{Kind: connectors.ErrBadRequest, Service: service, Op: "read contract service",
			Message: fmt.Sprintf("%q / %q is not an Autotask contract and contract service id: make a new plan with `seats reconcile plan`", ref.AgreementID, ref.LineID)}
	}
	op := "read contract service " + lid + " of contract " + kid
	now := c.now()
	var (
		live           liveLine
		periods        map[string]string
		units          []wireUnits
		foundK, foundS bool
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		foundK, err = c.get(gctx, "Contracts", kid, op, &live.contract)
		return err
	})
	g.Go(func() (err error) {
		foundS, err = c.get(gctx, "ContractServices", lid, op, &live.service)
		return err
	})
	g.Go(func() error {
		filter := []condition{{Op: "eq", Field: "contractServiceID", Value: json.Number(lid)}, {Op: "gte", Field: "endDate", Value: c.cutoff(now)}}
		return c.each(gctx, "ContractServiceUnits", filter, op, func(p int, page []json.RawMessage) error {
			for i, raw := range page {
				var u wireUnits
				if err := decodeRow(op, p, i, raw, &u); err != nil {
					return err
				}
				units = append(units, u)
			}
			return nil
		})
	})
	g.Go(func() (err error) {
		periods, err = c.picklist(gctx, "Contracts", "contractPeriodType")
		return err
	})
	if err := g.Wait(); err != nil {
		return liveLine{}, err
	}
	if !foundK || !foundS || id(live.service.ContractID) != kid {
		return liveLine{}, &connectors.Error{Kind: connectors.ErrNotFound, Service: service, Op: op,
			Message: "Autotask has no contract service " + lid + " on contract " + kid}
	}
	if id(live.service.ID) != lid || id(live.contract.ID) != kid {
		return liveLine{}, badAnswer(op, "Autotask answered with another record")
	}
	live.line, live.whole = c.lineFrom(live.contract, live.service, units, periods, now)
	live.rows, _ = rowsFrom(units)
	return live, nil
}

// SetQuantity sets one contract service's units from an effective date
// (ch.EffectiveDate, else today) by posting a ContractServiceAdjustment of
// the difference. It applies from that date (ApplyFromDate) and cannot be
// undone: WriteResult.Undoable is false.
//
//   - While writes are turned off it refuses with ErrWriteDisabled and
//     sends nothing at all.
//   - It re-reads the line first and refuses with ErrConflict when its
//     units, units row (Version), company or service moved since the
//     caller read it, and with ErrBadRequest when the live units are not
//     whole or no units row holds the effective date.
//   - The delta is the new quantity less the units billed on the effective
//     date; a delta of 0 posts nothing.
//   - The adjustment is never posted twice blindly (Autotask keeps every
//     one, and a duplicate bills for ever). A refusal (4xx) is reported as
//     it is. After any other failure (5xx, a timeout, a dropped
//     connection, an unreadable answer, a 429) the units are re-read: if
//     the row of the effective date holds the new units, the adjustment
//     happened and is reported done; if it is still the row read before,
//     it did not, and the failure is reported (a 500 with Autotask's words
//     is its way of refusing, so it is ErrBadRequest; "effectiveDate must
//     be between" means the date lies outside the contract: the change
//     belongs on its renewal); if the re-read fails it is ErrUnconfirmed.
//     Only a 429 (Autotask did not look at the request) is posted again,
//     after Retry-After, and only once a re-read shows nothing changed.
func (c *Client) SetQuantity(ctx context.Context, ch connectors.QuantityChange) (connectors.WriteResult, error) {
	const op = "change units"
	if !c.cfg.WriteEnabled {
		return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrWriteDisabled, Service: service, Op: op,
			Message: "psa.write_enabled is off: seats sends no change to Autotask until it is turned on"}
	}
	if ch.NewQuantity < 0 {
		return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrBadRequest, Service: service, Op: op,
			Message: fmt.Sprintf("%d units: a contract service is set to 0 at the least, never below", ch.NewQuantity)}
	}
	eff := ch.EffectiveDate
	if eff.IsZero() {
		eff = c.now()
	}
	eff = eff.UTC().Truncate(24 * time.Hour)
	live, err := c.readLine(ctx, ch.Line.LineRef)
	if err != nil {
		return connectors.WriteResult{}, err
	}
	lid := live.line.LineID
	if msg := moved(ch.Line, live.line); msg != "" {
		return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrConflict, Service: service, Op: op,
			Message: "contract service " + lid + ": " + msg + "; nothing was posted"}
	}
	before, ok := rowAt(live.rows, eff)
	switch {
	case !ok:
		return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrBadRequest, Service: service, Op: op,
			Message: fmt.Sprintf("contract service %s has no units row for %s: the date lies outside its billing periods (contract %s runs %s); choose a date within them",
				lid, eff.Format("2006-01-02"), live.line.AgreementID, contractSpan(live.contract))}
	case !live.whole || !before.whole:
		return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrBadRequest, Service: service, Op: op,
			Message: "contract service " + lid + " holds units that are not a whole number of seats; change it in Autotask"}
	}
	delta := ch.NewQuantity - before.units
	done := func(l connectors.BillingLine) (connectors.WriteResult, error) {
		return connectors.WriteResult{Line: l, Timing: connectors.ApplyFromDate, EffectiveDate: eff, Undoable: false}, nil
	}
	if delta == 0 {
		return done(live.line)
	}
	body := wireAdjustment{
		ContractID:        json.Number(live.line.AgreementID),
		ContractServiceID: json.Number(lid),
		ServiceID:         json.Number(id(live.service.ServiceID)),
		EffectiveDate:     eff.Format("2006-01-02T15:04:05Z"),
		UnitChange:        delta,
	}
	for attempt := 1; ; attempt++ {
		created, err := c.postAdjustment(ctx, body)
		if err == nil && len(created.Errors) > 0 {
			// A 200 that carries errors: what happened is learned below.
			err = answeredErrors(op, created.Errors)
		}
		if err != nil && refused(err) {
			return connectors.WriteResult{}, c.explainRefusal(err, live, ch.NewQuantity, eff)
		}
		after, rerr := c.reread(ctx, ch.Line.LineRef)
		if rerr != nil {
			if err == nil && id(created.ItemID) != "" {
				// Autotask confirmed the adjustment; only the read back failed.
				l := live.line
				l.Quantity, l.Version = ch.NewQuantity, ""
				l.Warnings = append(append([]string(nil), l.Warnings...), "posted (adjustment "+id(created.ItemID)+") but not read back: "+field.Clip(rerr.Error()))
				return done(l)
			}
			cause := err
			if cause == nil {
				cause = errors.New("the answer said nothing")
			}
			return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrUnconfirmed, Service: service, Op: op,
				Message: fmt.Sprintf("posting %+d units to contract service %s from %s got no clear answer (%v) and the units could not be read again (%v): look at the contract service's units in Autotask before trying again; an adjustment cannot be undone",
					delta, lid, eff.Format("2006-01-02"), cause, rerr), Err: err}
		}
		now, _ := rowAt(after.rows, eff)
		switch {
		case now.id == before.id && now.raw == before.raw && now.start.Equal(before.start) && now.end.Equal(before.end):
			// Unchanged: the adjustment did not happen.
		case now.units == ch.NewQuantity:
			return done(after.line)
		default:
			return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrConflict, Service: service, Op: op,
				Message: fmt.Sprintf("contract service %s changed while seats was setting it to %d from %s: it now holds %d (units row %s); look at its units in Autotask", lid, ch.NewQuantity, eff.Format("2006-01-02"), now.units, now.version()), Err: err}
		}
		if err == nil {
			return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrUnconfirmed, Service: service, Op: op,
				Message: fmt.Sprintf("Autotask accepted the adjustment of contract service %s but its units do not show it: look at them in Autotask before trying again", lid)}
		}
		if wait, ok := throttled(err); ok && attempt < httpx.DefaultMaxAttempts {
			if serr := c.sleep(ctx, wait); serr != nil {
				return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrCanceled, Service: service, Op: op, Err: serr,
					Message: "stopped while waiting to post the adjustment again; contract service " + lid + " was not changed"}
			}
			continue
		}
		return connectors.WriteResult{}, c.notWritten(err, live, ch.NewQuantity, eff)
	}
}

// postAdjustment sends the one write, without retries.
func (c *Client) postAdjustment(ctx context.Context, body wireAdjustment) (wireCreated, error) {
	var created wireCreated
	u, err := c.entityURL(ctx, "ContractServiceAdjustments")
	if err != nil {
		return created, err
	}
	_, err = c.http.Do(ctx, httpx.Request{Method: http.MethodPost, URL: u.String(), Header: c.header, Body: body, Op: "post a units adjustment"}, &created)
	return created, c.explain(err)
}

// reread reads the line again after a failed write, with a context of its
// own when the caller's has ended.
func (c *Client) reread(ctx context.Context, ref connectors.LineRef) (liveLine, error) {
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), rereadTimeout)
		defer cancel()
	}
	return c.readLine(ctx, ref)
}

// moved says how the live line differs from the line as the caller read
// it, or "" when it does not.
func moved(read, live connectors.BillingLine) string {
	switch {
	case live.Quantity != read.Quantity:
		return fmt.Sprintf("its units are %d, not %d (units row %s)", live.Quantity, read.Quantity, live.Version)
	case read.Version != "" && live.Version != read.Version:
		return fmt.Sprintf("its units row is now %s, not %s: someone adjusted it since it was read", live.Version, read.Version)
	case read.CompanyID != "" && live.CompanyID != read.CompanyID:
		return fmt.Sprintf("its contract now belongs to company %s, not %s", live.CompanyID, read.CompanyID)
	case read.ItemID != "" && live.ItemID != read.ItemID:
		return fmt.Sprintf("it now bills service %s, not %s", live.ItemID, read.ItemID)
	}
	return ""
}

// refused reports whether Autotask turned the adjustment down with a 4xx
// other than 408 and 429: judged, so nothing changed.
func refused(err error) bool {
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		return false
	}
	return ce.Status >= 400 && ce.Status <= 499 && ce.Status != http.StatusRequestTimeout && ce.Status != http.StatusTooManyRequests
}

// throttled reports whether err is a 429 and how long to wait.
func throttled(err error) (time.Duration, bool) {
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Status != http.StatusTooManyRequests {
		return 0, false
	}
	wait := defaultRetryAfter
	var se *httpx.StatusError
	if errors.As(err, &se) && se.RetryAfter > 0 {
		wait = se.RetryAfter
	}
	return min(wait, httpx.DefaultMaxRetryWait), true
}

// contractSpan is "2026-01-01 to 2026-12-31".
func contractSpan(k wireContract) string {
	start, _ := optionalTime("", k.StartDate)
	end, _ := optionalTime("", k.EndDate)
	f := func(t time.Time) string {
		if t.IsZero() {
			return "?"
		}
		return t.Format("2006-01-02")
	}
	return f(start) + " to " + f(end)
}

// outsideContract reports whether Autotask's words say the effective date
// lies outside the contract ("effectiveDate must be between ...").
func outsideContract(message string) bool {
	m := strings.ToLower(message)
	return strings.Contains(m, "must be between") && strings.Contains(strings.ReplaceAll(m, " ", ""), "effectivedate")
}

// renewalAdvice says where a change outside the contract's dates belongs.
func renewalAdvice(live liveLine, eff time.Time) string {
	where := "the contract that renews it"
	if r := id(live.contract.RenewedContractID); r != "" {
		where = "its renewal, contract " + r
	}
	return fmt.Sprintf("%s falls outside contract %s (%s), so the change belongs on %s: make it there in Autotask, or choose a date within this contract",
		eff.Format("2006-01-02"), live.line.AgreementID, contractSpan(live.contract), where)
}

// explainRefusal says what Autotask refused (a 4xx) and that nothing changed.
func (c *Client) explainRefusal(err error, live liveLine, to int, eff time.Time) error {
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		return err
	}
	out := *ce
	said := firstNonEmpty(ce.Message, ce.Code, http.StatusText(ce.Status))
	switch {
	case ce.Status == http.StatusUnauthorized:
		return err // explain has said what to fix
	case ce.Status == http.StatusForbidden:
		out.Message = "the API user's security level may not post contract service adjustments (Autotask said: " + said + "); contract service " + live.line.LineID + " was not changed"
	case outsideContract(said):
		out.Kind = connectors.ErrBadRequest
		out.Message = "Autotask refused the adjustment (" + said + "): " + renewalAdvice(live, eff) + "; nothing was changed"
	default:
		if ce.Status == http.StatusConflict {
			out.Kind = connectors.ErrConflict
		}
		out.Message = fmt.Sprintf("Autotask refused to set contract service %s to %d from %s: %s; nothing was changed", live.line.LineID, to, eff.Format("2006-01-02"), said)
	}
	return &out
}

// notWritten reports a failed adjustment that a re-read proved did not
// happen. Autotask answers a validation failure with HTTP 500 and its
// words in {"errors":[...]}: with the units unchanged, that is a refusal.
func (c *Client) notWritten(err error, live liveLine, to int, eff time.Time) error {
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		return err
	}
	if ce.Status == http.StatusInternalServerError && ce.Message != "" {
		out := *ce
		out.Kind = connectors.ErrBadRequest
		if outsideContract(ce.Message) {
			out.Message = "Autotask refused the adjustment (" + ce.Message + "): " + renewalAdvice(live, eff) + "; nothing was changed"
		} else {
			out.Message = fmt.Sprintf("Autotask refused to set contract service %s to %d from %s: %s; its units are unchanged", live.line.LineID, to, eff.Format("2006-01-02"), ce.Message)
		}
		return &out
	}
	out := *ce
	out.Message = fmt.Sprintf("%s; a re-read shows contract service %s still at %d units, so nothing was changed and it is safe to try again",
		firstNonEmpty(ce.Message, ce.Code, "the adjustment failed"), live.line.LineID, live.line.Quantity)
	return &out
}
