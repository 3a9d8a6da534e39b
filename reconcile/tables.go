package reconcile

import "time"

// Tables are the licence tables as a screen shows them: the report, and
// whether the distributor and the PSA had been read when it was computed
// (a table without them says what is missing). They are kept after each
// computation so that the next screen to show them, while nothing they
// were computed from has changed, need not compute them again.
type Tables struct {
	Report          Report
	HaveDistributor bool
	HavePSA         bool
	// ComputedAt is the input's Now; ValidUntil is ValidUntil(input):
	// between the two, the same input gives the same report.
	ComputedAt time.Time
	ValidUntil time.Time
}

// TablesOf reconciles in into Tables, with every row's sources written
// down (TermRow.Sources), so that kept tables say where each figure came
// from as computed ones do. The rows then let go of the input they were
// computed from: the tables do not keep it alive (at 10,000 customers,
// 110 MB).
func TablesOf(in ReconcileInput) Tables {
	rep := Reconcile(in)
	for i := range rep.Customers {
		for j := range rep.Customers[i].Skus {
			terms := rep.Customers[i].Skus[j].Terms
			for k := range terms {
				w := terms[k].Where()
				terms[k].Sources, terms[k].origin = &w, termOrigin{}
			}
		}
	}
	return Tables{Report: rep, HaveDistributor: in.Distributor != nil, HavePSA: in.PSA != nil,
		ComputedAt: in.Now, ValidUntil: ValidUntil(in)}
}

// Current reports whether t is what Reconcile gives at now for the input
// it was computed from: now lies between its computation and the next time
// any line starts or ends.
func (t Tables) Current(now time.Time) bool {
	return !now.Before(t.ComputedAt) && (t.ValidUntil.IsZero() || now.Before(t.ValidUntil))
}

// ValidUntil is the first time after in.Now at which the report of in
// changes by the clock alone: a PSA line coming into effect or ending (the
// one thing Reconcile reads the time for). The zero time means never.
func ValidUntil(in ReconcileInput) time.Time {
	var until time.Time
	next := func(t time.Time) {
		if t.After(in.Now) && (until.IsZero() || t.Before(until)) {
			until = t
		}
	}
	if in.PSA != nil {
		for _, l := range in.PSA.Lines {
			next(l.EffectiveFrom)
			next(l.CancelledOn)
		}
	}
	return until
}
