package cwfake

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

// list answers a list (or its /count) of rendered rows: conditions=
// filters, orderBy= sorts (id asc by default), page (from 1) and pageSize
// (default 25, at most 1000, or Options.PageSize) cut one page, and a Link
// header names the first, previous, next and last pages as ConnectWise's
// does. Call with the lock held.
func (s *Server) list(r *http.Request, rows []map[string]any, known map[string]bool, count bool) answer {
	q := r.URL.Query()
	for _, unsupported := range []string{"childConditions", "customFieldConditions", "columns"} {
		if q.Has(unsupported) {
			return cwError(http.StatusBadRequest, "BadRequest", unsupported+" is not supported by this fake")
		}
	}
	if v := q.Get("conditions"); v != "" {
		cond, err := parseConditions(v, known)
		if err != nil {
			return cwError(http.StatusBadRequest, "BadRequest", "conditions: "+err.Error())
		}
		kept := rows[:0:0]
		for _, row := range rows {
			match, err := cond.eval(row)
			if err != nil {
				return cwError(http.StatusBadRequest, "BadRequest", "conditions: "+err.Error())
			}
			if match {
				kept = append(kept, row)
			}
		}
		rows = kept
	}
	if count {
		return ok(map[string]any{"count": len(rows)})
	}
	if err := orderRows(rows, q.Get("orderBy"), known); err != nil {
		return cwError(http.StatusBadRequest, "BadRequest", "orderBy: "+err.Error())
	}

	size := defaultPageSize
	if v := q.Get("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return cwError(http.StatusBadRequest, "BadRequest", "pageSize must be a number from 1")
		}
		size = min(n, maxPageSize)
	}
	if ps := s.opts.PageSize; ps > 0 && size > ps {
		size = ps
	}
	page := 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return cwError(http.StatusBadRequest, "BadRequest", "page must be a number from 1")
		}
		page = n
	}
	total := len(rows)
	last := max(1, (total+size-1)/size)
	start := total
	if page <= total { // else (page-1)*size could overflow
		start = min((page-1)*size, total)
	}
	end := min(start+size, total)
	out := make([]map[string]any, 0, end-start)
	out = append(out, rows[start:end]...)
	a := ok(out)
	if link := linkHeader(r, page, last, size); link != "" {
		a.header.Set("Link", link)
	}
	return a
}

// linkHeader builds ConnectWise's Link header for page of last.
func linkHeader(r *http.Request, page, last, size int) string {
	if last <= 1 {
		return ""
	}
	at := func(p int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		q.Set("pageSize", strconv.Itoa(size))
		return "<" + fakekit.Origin(r) + r.URL.EscapedPath() + "?" + q.Encode() + ">"
	}
	var parts []string
	if page > 1 {
		parts = append(parts, at(1)+`; rel="first"`, at(min(page-1, last))+`; rel="prev"`)
	}
	if page < last {
		parts = append(parts, at(page+1)+`; rel="next"`, at(last)+`; rel="last"`)
	}
	return strings.Join(parts, ", ")
}

// orderRows sorts rows by "field [asc|desc]" (default "id asc"); the field
// must be a top-level field of the entity.
func orderRows(rows []map[string]any, orderBy string, known map[string]bool) error {
	field, dir := "id", "asc"
	if f := strings.Fields(orderBy); len(f) > 0 {
		if len(f) > 2 {
			return fmt.Errorf("%q is not \"field asc\" or \"field desc\"", orderBy)
		}
		field = f[0]
		if len(f) == 2 {
			dir = strings.ToLower(f[1])
		}
	}
	if !known[field] || (dir != "asc" && dir != "desc") {
		return fmt.Errorf("cannot order by %q", orderBy)
	}
	less := func(a, b any) bool {
		if na, ok := number(a); ok {
			nb, _ := number(b)
			return na < nb
		}
		sa, _ := a.(string)
		sb, _ := b.(string)
		return strings.ToLower(sa) < strings.ToLower(sb)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if dir == "desc" {
			return less(rows[j][field], rows[i][field])
		}
		return less(rows[i][field], rows[j][field])
	})
	return nil
}
