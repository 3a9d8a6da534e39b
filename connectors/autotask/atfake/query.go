package atfake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Autotask's query language, as far as the fake speaks it: a body
// {"filter":[...],"MaxRecords":N,"IncludeFields":[...]} whose top-level
// conditions all hold (an implicit "and"), each {"op","field","value"} or a
// group {"op":"and"|"or","items":[...]}. Operators: eq noteq gt gte lt lte
// beginsWith endsWith contains exist notExist in notIn. Field names are
// matched without regard to case, as Autotask does; an unknown field is an
// error, as is a query without any condition.

// queryBody is a query as the client sends it.
type queryBody struct {
	Filter        []condition `json:"filter"`
	MaxRecords    *int        `json:"MaxRecords"`
	IncludeFields []string    `json:"IncludeFields"`
}

type condition struct {
	Op    string          `json:"op"`
	Field string          `json:"field"`
	Value json.RawMessage `json:"value"`
	UDF   bool            `json:"udf"`
	Items []condition     `json:"items"`

	// in holds the values of an "in" or "notIn", as text, once checked.
	in map[string]bool
}

// maxInValues is the most values one "in" may hold (Autotask: 500 OR
// conditions per call).
const maxInValues = 500

// check validates a condition against the entity's fields.
// It also readies an "in" for matching.
func (c *condition) check(e entity) error {
	op := strings.ToLower(c.Op)
	switch op {
	case "and", "or":
		if len(c.Items) == 0 {
			return fmt.Errorf("the %s group has no items", c.Op)
		}
		for i := range c.Items {
			if err := c.Items[i].check(e); err != nil {
				return err
			}
		}
		return nil
	case "eq", "noteq", "gt", "gte", "lt", "lte", "beginswith", "endswith", "contains", "exist", "notexist", "in", "notin":
	default:
		return fmt.Errorf("operator %q is not supported", c.Op)
	}
	if c.UDF {
		return nil
	}
	if fieldName(e, c.Field) == "" {
		return fmt.Errorf("Unable to find %s in the %s Entity.", c.Field, e.name)
	}
	if op == "in" || op == "notin" {
		var vs []json.RawMessage
		if err := json.Unmarshal(c.Value, &vs); err != nil {
			return fmt.Errorf("the value of %s %s must be a list", c.Field, c.Op)
		}
		if len(vs) > maxInValues {
			return fmt.Errorf("an %s condition can hold at most %d values, not %d", c.Op, maxInValues, len(vs))
		}
		c.in = make(map[string]bool, len(vs))
		for _, v := range vs {
			c.in[strings.ToLower(canonical(rawText(v)))] = true
		}
	}
	return nil
}

// fieldName is the entity's spelling of name, or "".
func fieldName(e entity, name string) string {
	for _, f := range e.fields {
		if strings.EqualFold(f, name) {
			return f
		}
	}
	return ""
}

// match reports whether row satisfies c.
func (c condition) match(e entity, row map[string]any) bool {
	op := strings.ToLower(c.Op)
	switch op {
	case "and":
		for _, it := range c.Items {
			if !it.match(e, row) {
				return false
			}
		}
		return true
	case "or":
		for _, it := range c.Items {
			if it.match(e, row) {
				return true
			}
		}
		return false
	}
	var have any
	if c.UDF {
		if udfs, ok := row["userDefinedFields"].([]map[string]any); ok {
			for _, u := range udfs {
				if strings.EqualFold(fmt.Sprint(u["name"]), c.Field) {
					have = u["value"]
				}
			}
		}
	} else {
		have = row[fieldName(e, c.Field)]
	}
	switch op {
	case "exist":
		return have != nil
	case "notexist":
		return have == nil
	case "in", "notin":
		found := have != nil && c.in[strings.ToLower(canonical(fmt.Sprint(have)))]
		return found == (op == "in")
	}
	if have == nil {
		return op == "noteq" && string(c.Value) != "null"
	}
	switch op {
	case "eq":
		return compare(have, c.Value) == 0
	case "noteq":
		return compare(have, c.Value) != 0
	case "gt":
		return compare(have, c.Value) > 0
	case "gte":
		return compare(have, c.Value) >= 0
	case "lt":
		return compare(have, c.Value) < 0
	case "lte":
		return compare(have, c.Value) <= 0
	}
	h, w := strings.ToLower(fmt.Sprint(have)), strings.ToLower(rawText(c.Value))
	switch op {
	case "beginswith":
		return strings.HasPrefix(h, w)
	case "endswith":
		return strings.HasSuffix(h, w)
	case "contains":
		return strings.Contains(h, w)
	}
	return false
}

// canonical writes a number as its shortest decimal ("5.0" is "5"), so
// that an "in" finds ids however they were written; other text is kept.
func canonical(s string) string {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return s
}

func rawText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(raw))
}

// compare orders a rendered value against a filter value: as numbers when
// both are numbers, as times when both are dates, as booleans, else as
// text without regard to case. -2 means "not comparable".
func compare(have any, want json.RawMessage) int {
	w := rawText(want)
	h := fmt.Sprint(have)
	switch v := have.(type) {
	case bool:
		b, err := strconv.ParseBool(w)
		if err != nil {
			return -2
		}
		if v == b {
			return 0
		}
		return -2
	case int, json.Number:
		hf, err1 := strconv.ParseFloat(h, 64)
		wf, err2 := strconv.ParseFloat(w, 64)
		if err1 != nil || err2 != nil {
			return -2
		}
		switch {
		case hf < wf:
			return -1
		case hf > wf:
			return 1
		}
		return 0
	}
	if ht, err := parseDate(h); err == nil {
		if wt, err := parseDate(w); err == nil {
			return ht.Compare(wt)
		}
	}
	return strings.Compare(strings.ToLower(h), strings.ToLower(w))
}

func parseDate(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date")
}

// pageToken is what the opaque nextPageUrl carries: the query and the last
// id served (Autotask pages by id, so rows added meanwhile do not shift).
type pageToken struct {
	Query   queryBody `json:"q"`
	AfterID int       `json:"a"`
}

func encodeToken(t pageToken) string {
	b, _ := json.Marshal(t)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(s string) (pageToken, error) {
	var t pageToken
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return t, err
	}
	err = json.Unmarshal(b, &t)
	return t, err
}

func itoa(n int) string { return strconv.Itoa(n) }
