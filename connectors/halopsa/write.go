package halopsa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// rereadTimeout bounds the re-read after a write whose answer was lost
// when the caller's own context has ended.
const rereadTimeout = 30 * time.Second

// Timing is ApplyAtOnce: Halo changes a recurring invoice line when the
// POST is accepted, and a further change undoes it.
func (c *Client) Timing() connectors.ApplyTiming { return connectors.ApplyAtOnce }

// Line re-reads one line live, with its invoice. A line no longer on that
// invoice is ErrNotFound.
func (c *Client) Line(ctx context.Context, ref connectors.LineRef) (connectors.BillingLine, error) {
	l, _, _, err := c.readLine(ctx, ref)
	return l, err
}

// readLine reads the invoice of ref and maps the line; h is the invoice
// as read, whose raw lines a write sends back.
func (c *Client) readLine(ctx context.Context, ref connectors.LineRef) (l connectors.BillingLine, whole bool, h wireInvoice, err error) {
	hid, lid := id(json.Number(ref.AgreementID)), id(json.Number(ref.LineID))
	if hid == "" || lid == "" {
		return l, false, h, &connectors.Error{Kind: connectors.ErrBadRequest, Service: service, Op: "read invoice line",
			Message: fmt.Sprintf("%q / %q is not a Halo recurring invoice and line id: make a new plan with `seats reconcile plan`", ref.AgreementID, ref.LineID)}
	}
	h, err = c.readInvoice(ctx, hid)
	if err != nil {
		return l, false, h, err
	}
	for _, raw := range h.Lines {
		var w wireLine
		if json.Unmarshal(raw, &w) != nil || id(w.ID) != lid {
			continue
		}
		l, whole = c.lineFrom(h, w, c.now())
		return l, whole, h, nil
	}
	return l, false, h, &connectors.Error{Kind: connectors.ErrNotFound, Service: service, Op: "read line " + lid + " of recurring invoice " + hid,
		Message: "the line is no longer on the recurring invoice: it was deleted in Halo, or the invoice's lines were replaced"}
}

// invoicePost is the body of a write: Halo's upsert of one recurring
// invoice with its id and every line.
type invoicePost struct {
	ID    json.Number       `json:"id"`
	Lines []json.RawMessage `json:"lines"`
}

// SetQuantity sets one line's qty_order. It applies at once (ApplyAtOnce).
//
//   - While writes are turned off it refuses with ErrWriteDisabled and
//     sends nothing.
//   - It re-reads the invoice and refuses with ErrConflict when the line
//     moved since the caller read it (quantity, version, client, item);
//     with ErrBadRequest when Halo counts the line's quantity itself
//     (ReadOnly) or the quantity is not a whole number.
//   - A line that already holds the new quantity is not written.
//   - It POSTs the invoice with ALL its lines as just read, only the
//     target's qty_order changed: Halo deletes the lines a POST leaves out.
//   - The POST is never sent again blindly. A refusal (4xx) is reported:
//     nothing changed. After any other failure the line is re-read: the new
//     quantity means the write happened; the old quantity and version mean
//     it did not (and a 429 is then sent once more after Retry-After); a
//     re-read that fails is ErrUnconfirmed. A 401 (the token ended) renews
//     the token and sends again: Halo did not look at the request.
func (c *Client) SetQuantity(ctx context.Context, ch connectors.QuantityChange) (connectors.WriteResult, error) {
	const op = "change quantity"
	ref := ch.Line.LineRef
	if !c.cfg.WriteEnabled {
		return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrWriteDisabled, Service: service, Op: op,
			Message: "psa.write_enabled is off: seats sends no change to HaloPSA until it is turned on"}
	}
	if ch.NewQuantity < 0 {
		return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrBadRequest, Service: service, Op: op,
			Message: fmt.Sprintf("a quantity of %d: a line is set to 0 at the least, never below", ch.NewQuantity)}
	}
	live, whole, h, err := c.readLine(ctx, ref)
	if err != nil {
		return connectors.WriteResult{}, err
	}
	if msg := moved(ch.Line, live); msg != "" {
		return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrConflict, Service: service, Op: op,
			Message: "invoice line " + live.LineID + ": " + msg + "; nothing was written"}
	}
	if live.ReadOnly {
		return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrBadRequest, Service: service, Op: op,
			Message: "invoice line " + live.LineID + " is not seats' to change: " + live.ReadOnlyReason}
	}
	if !whole {
		return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrBadRequest, Service: service, Op: op,
			Message: "invoice line " + live.LineID + " holds a quantity that is not a whole number of seats; change it in Halo"}
	}
	done := func(l connectors.BillingLine) (connectors.WriteResult, error) {
		return connectors.WriteResult{Line: l, Timing: connectors.ApplyAtOnce, Undoable: true}, nil
	}
	if live.Quantity == ch.NewQuantity {
		return done(live)
	}
	body, err := postBody(h, live.LineID, ch.NewQuantity)
	if err != nil {
		return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op, Err: err,
			Message: "the recurring invoice as read cannot be sent back; nothing was written"}
	}
	req := httpx.Request{Method: http.MethodPost, URL: c.base + "/api/RecurringInvoice", Body: body, Op: op}
	for attempt := 1; ; attempt++ {
		var answer json.RawMessage
		err := c.do(ctx, req, &answer)
		if err == nil {
			after, rerr := c.reread(ctx, ref)
			switch {
			case rerr == nil && after.Quantity == ch.NewQuantity:
				return done(after)
			case rerr == nil:
				return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrConflict, Service: service, Op: op,
					Message: fmt.Sprintf("Halo accepted the change of invoice line %s to %d but the line now holds %d: look at it in Halo", live.LineID, ch.NewQuantity, after.Quantity)}
			}
			if l, ok := c.lineInAnswer(answer, live.LineID); ok && l.Quantity == ch.NewQuantity {
				return done(l)
			}
			return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrUnconfirmed, Service: service, Op: op, Err: rerr,
				Message: fmt.Sprintf("Halo accepted the change of invoice line %s to %d, but neither its answer nor a re-read (%v) shows it: look at it in Halo before trying again", live.LineID, ch.NewQuantity, rerr)}
		}
		if refused(err) {
			return connectors.WriteResult{}, explainRefusal(err, live, ch.NewQuantity)
		}
		after, rerr := c.reread(ctx, ref)
		switch {
		case rerr != nil:
			return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrUnconfirmed, Service: service, Op: op, Err: err,
				Message: fmt.Sprintf("setting invoice line %s from %d to %d got no clear answer (%v) and the line could not be read again (%v): look at it in Halo before trying again",
					live.LineID, live.Quantity, ch.NewQuantity, err, rerr)}
		case after.Quantity == ch.NewQuantity:
			return done(after)
		case after.Quantity != live.Quantity || after.Version != live.Version:
			return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrConflict, Service: service, Op: op, Err: err,
				Message: fmt.Sprintf("invoice line %s changed while seats was setting it to %d: it now holds %d; the change from seats is not in it", live.LineID, ch.NewQuantity, after.Quantity)}
		}
		if wait, ok := throttled(err); ok && attempt < 2 {
			if serr := c.sleep(ctx, wait); serr != nil {
				return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrCanceled, Service: service, Op: op, Err: serr,
					Message: "stopped while waiting to send the change again; invoice line " + live.LineID + " was not changed"}
			}
			continue
		}
		return connectors.WriteResult{}, notWritten(err, live)
	}
}

// postBody is the invoice with every line exactly as read, the target's
// qty_order set to q. Only that one field of that one line differs.
func postBody(h wireInvoice, lineID string, q int) ([]invoicePost, error) {
	lines := make([]json.RawMessage, len(h.Lines))
	found := false
	for i, raw := range h.Lines {
		var w wireLine
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, err
		}
		if id(w.ID) != lineID {
			lines[i] = raw
			continue
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			return nil, err
		}
		fields["qty_order"] = json.RawMessage(fmt.Sprint(q))
		out, err := json.Marshal(fields)
		if err != nil {
			return nil, err
		}
		lines[i], found = out, true
	}
	if !found {
		return nil, errors.New("the line is not on the invoice")
	}
	return []invoicePost{{ID: json.Number(id(h.ID)), Lines: lines}}, nil
}

// lineInAnswer finds the line in a POST's answer: the saved header, or an
// array holding it (Halo's answer shape to an array POST is not documented).
func (c *Client) lineInAnswer(answer json.RawMessage, lineID string) (connectors.BillingLine, bool) {
	var h wireInvoice
	if json.Unmarshal(answer, &h) != nil {
		var hs []wireInvoice
		if json.Unmarshal(answer, &hs) != nil || len(hs) != 1 {
			return connectors.BillingLine{}, false
		}
		h = hs[0]
	}
	for _, raw := range h.Lines {
		var w wireLine
		if json.Unmarshal(raw, &w) == nil && id(w.ID) == lineID {
			l, _ := c.lineFrom(h, w, c.now())
			return l, true
		}
	}
	return connectors.BillingLine{}, false
}

// reread reads the line again after a write, with a context of its own
// when the caller's has ended.
func (c *Client) reread(ctx context.Context, ref connectors.LineRef) (connectors.BillingLine, error) {
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), rereadTimeout)
		defer cancel()
	}
	l, _, _, err := c.readLine(ctx, ref)
	return l, err
}

// moved says how the live line differs from the line as read, or "".
func moved(read, live connectors.BillingLine) string {
	switch {
	case live.Quantity != read.Quantity:
		return fmt.Sprintf("its quantity is %d, not %d", live.Quantity, read.Quantity)
	case read.Version != "" && live.Version != read.Version:
		return "it was edited in Halo since it was read"
	case read.CompanyID != "" && live.CompanyID != read.CompanyID:
		return fmt.Sprintf("its invoice now belongs to client %s, not %s", live.CompanyID, read.CompanyID)
	case read.ItemID != "" && live.ItemID != read.ItemID:
		return fmt.Sprintf("it now bills item %s, not %s", live.ItemID, read.ItemID)
	}
	return ""
}

// refused: Halo judged the write and turned it down (a 4xx other than 408
// and 429), so nothing changed.
func refused(err error) bool {
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		return false
	}
	return ce.Status >= 400 && ce.Status <= 499 && ce.Status != http.StatusRequestTimeout && ce.Status != http.StatusTooManyRequests
}

// throttled reports a 429 and the wait Halo asked for (5 s, HaloAPI's
// own first backoff, when it did not say).
func throttled(err error) (time.Duration, bool) {
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Status != http.StatusTooManyRequests {
		return 0, false
	}
	wait := 5 * time.Second
	var se *httpx.StatusError
	if errors.As(err, &se) && se.RetryAfter > 0 {
		wait = min(se.RetryAfter, httpx.DefaultMaxRetryWait)
	}
	return wait, true
}

// explainRefusal says what Halo refused, in its words, and that nothing changed.
func explainRefusal(err error, live connectors.BillingLine, to int) error {
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		return err
	}
	if ce.Status == http.StatusUnauthorized {
		return err // already says what to fix
	}
	out := *ce
	if ce.Status == http.StatusConflict {
		out.Kind = connectors.ErrConflict
	}
	said := firstNonEmpty(unquote(ce.Message), ce.Code, http.StatusText(ce.Status))
	out.Message = fmt.Sprintf("Halo refused to set invoice line %s to %d: %s; nothing was changed", live.LineID, to, said)
	return &out
}

// notWritten reports a failed write that a re-read proved did not happen.
func notWritten(err error, live connectors.BillingLine) error {
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		return err
	}
	out := *ce
	out.Message = fmt.Sprintf("%s; a re-read shows invoice line %s still at %d, so nothing was changed and it is safe to try again",
		firstNonEmpty(unquote(ce.Message), ce.Code, "the change failed"), live.LineID, live.Quantity)
	return &out
}
