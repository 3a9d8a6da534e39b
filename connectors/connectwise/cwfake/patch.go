package cwfake

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// patchOp is one operation of a JSON patch document.
type patchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// patchAddition applies a JSON patch to an addition, the way ConnectWise
// changes one field of a record. The fake changes quantity only: "replace"
// (or "add", which JSON patch treats alike for a member that exists) on
// path "quantity" or "/quantity" (public clients send the bare name, RFC
// 6902 the pointer; ConnectWise takes both). Anything else is refused with
// 400 and the InvalidObject body, and changes nothing. A write stamps
// _info.lastUpdated with the clock (moving it at least a second) and
// _info.updatedBy with the API member. Call with the lock held.
func (s *Server) patchAddition(r *http.Request, rt route, body []byte) answer {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil ||
		(mt != "application/json" && mt != "application/json-patch+json") {
		return cwError(http.StatusUnsupportedMediaType, "UnsupportedMediaType", "The request body must be JSON (Content-Type: application/json)")
	}
	i := s.additionIndex(rt.agreementID, rt.additionID)
	if i < 0 {
		return notFound("agreementAddition", rt.additionID)
	}
	var ops []patchOp
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&ops); err != nil || len(ops) == 0 {
		return invalid("The request body must be a JSON patch array of operations", "body", "")
	}
	quantity := json.Number("")
	for _, op := range ops {
		switch strings.ToLower(op.Op) {
		case "replace", "add":
		default:
			return invalid("op "+strconv.Quote(op.Op)+" is not supported on quantity: use replace", "op", op.Path)
		}
		if strings.TrimPrefix(op.Path, "/") != "quantity" {
			return invalid("path "+strconv.Quote(op.Path)+" cannot be changed here: this server changes quantity only", "path", op.Path)
		}
		var n json.Number
		d := json.NewDecoder(bytes.NewReader(op.Value))
		d.UseNumber()
		if err := d.Decode(&n); err != nil || n == "" {
			return invalid("quantity must be a number", "value", "quantity")
		}
		f, err := n.Float64()
		if err != nil || f < 0 || f > 1e9 {
			return invalid("quantity must be a number from 0 to 1000000000", "value", "quantity")
		}
		quantity = normNumber(f)
	}
	ad := &s.w.Additions[i]
	ad.Quantity = quantity
	ad.LastUpdated = s.nextStamp(ad.LastUpdated)
	ad.UpdatedBy = orDefault(s.w.APIMember, "api")
	s.applied.Add(1)
	a := ok(s.renderAddition(*ad))
	a.changed = true
	return a
}

func invalid(message, field, path string) answer {
	detail := map[string]any{"code": "InvalidField", "message": message, "resource": "agreementAddition", "field": field}
	if path != "" {
		detail["field"] = path
	}
	return cwError(http.StatusBadRequest, "InvalidObject", "agreementAddition object is invalid", detail)
}

// normNumber writes f as ConnectWise serialises a float: 12, 2.5.
func normNumber(f float64) json.Number {
	return json.Number(strconv.FormatFloat(f, 'f', -1, 64))
}

// nextStamp is the lastUpdated of a change made now: the clock to the
// second, and always after prev, so that a version token never repeats.
func (s *Server) nextStamp(prev time.Time) time.Time {
	now := s.opts.Now().UTC().Truncate(time.Second)
	if !now.After(prev) {
		now = prev.UTC().Truncate(time.Second).Add(time.Second)
	}
	return now
}
