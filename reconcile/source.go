package reconcile

import (
	"fmt"
	"strings"
	"time"
)

// Source says where a number came from: the system, what was read there,
// the ids of the records, and when the snapshot was taken. Every figure in
// the licence tables and every finding carries its sources, so an engineer
// can check a number before acting on it with real money.
type Source struct {
	System  string    `json:"system"` // "microsoft", a distributor or PSA registry name, "settings"
	What    string    `json:"what"`   // "subscribedSkus", "subscriptions", "billing lines", "catalogue item"
	IDs     []string  `json:"ids,omitempty"`
	TakenAt time.Time `json:"takenAt,omitzero"`
	Note    string    `json:"note,omitempty"` // how the number was derived, where not plain
}

// Known reports whether the source names anything.
func (s Source) Known() bool { return s.System != "" }

// String is the "where from" line: "pax8 subscriptions s1, s2 (read
// 2025-03-01 09:00 UTC; annual price / 12)".
func (s Source) String() string {
	if !s.Known() {
		return ""
	}
	var b strings.Builder
	b.WriteString(s.System + " " + s.What)
	if len(s.IDs) > 0 {
		ids := s.IDs
		more := ""
		if len(ids) > 5 {
			ids, more = ids[:5], fmt.Sprintf(" and %d more", len(s.IDs)-5)
		}
		b.WriteString(" " + strings.Join(ids, ", ") + more)
	}
	var extra []string
	if !s.TakenAt.IsZero() {
		extra = append(extra, "read "+s.TakenAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	if s.Note != "" {
		extra = append(extra, s.Note)
	}
	if len(extra) > 0 {
		b.WriteString(" (" + strings.Join(extra, "; ") + ")")
	}
	return b.String()
}
