package autotask

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
)

// unitsRow is one ContractServiceUnits row as seats reads it.
type unitsRow struct {
	id         string
	start, end time.Time // end is the row's last day
	units      int
	whole      bool
	raw        string // the units as Autotask wrote them
	warning    string
}

// holds reports whether the row bills date d. Autotask writes a row's last
// day as its endDate; a row whose endDate is the next one's start (the
// other reading) overlaps it by a day, and rowAt then picks the later row,
// so either reading gives the same answer.
func (r unitsRow) holds(d time.Time) bool {
	return !r.start.After(d) && d.Before(r.end.AddDate(0, 0, 1))
}

// version is the token a write compares: the row's id, units and dates.
// Every adjustment splits or renumbers the row holding its date, so
// another person's change moves it even when the units stay the same.
func (r unitsRow) version() string {
	return r.id + "/" + r.raw + "/" + r.start.Format("2006-01-02") + "/" + r.end.Format("2006-01-02")
}

// rowsFrom reads a contract service's units rows, ordered by start; rows
// whose dates cannot be read are left out with a warning.
func rowsFrom(ws []wireUnits) ([]unitsRow, []string) {
	var (
		out   []unitsRow
		warns []string
	)
	for _, w := range ws {
		start, err1 := ParseTime(w.StartDate)
		end, err2 := ParseTime(w.EndDate)
		if err1 != nil || err2 != nil {
			warns = append(warns, fmt.Sprintf("units row %s has dates seats cannot read; left out", id(w.ID)))
			continue
		}
		r := unitsRow{id: id(w.ID), start: start, end: end, raw: strings.TrimSpace(string(w.Units))}
		r.units, r.whole, r.warning = ParseUnits(w.Units)
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].start.Equal(out[j].start) {
			return out[i].start.Before(out[j].start)
		}
		return lessID(out[i].id, out[j].id)
	})
	return out, warns
}

// rowAt is the row billing date d: of the rows holding it, the one that
// starts last.
func rowAt(rows []unitsRow, d time.Time) (unitsRow, bool) {
	var (
		best  unitsRow
		found bool
	)
	for _, r := range rows {
		if r.holds(d) && (!found || !r.start.Before(best.start)) {
			best, found = r, true
		}
	}
	return best, found
}

// lineRow is the row a line's quantity is read from: the one billing now;
// when none does, the first one still to come (a line that starts later);
// when none is to come, the last one (a line whose contract ended).
func lineRow(rows []unitsRow, now time.Time) (unitsRow, bool) {
	if r, ok := rowAt(rows, now); ok {
		return r, true
	}
	for _, r := range rows {
		if r.start.After(now) {
			return r, true
		}
	}
	if len(rows) > 0 {
		return rows[len(rows)-1], true
	}
	return unitsRow{}, false
}

// lineFrom maps a contract service of contract k with its units rows.
// whole is false when the quantity is not a plain whole number.
//
//   - Quantity and Version come from the row billing now (see lineRow).
//   - EffectiveFrom is the start of the first row read (rows ended before
//     the cut-off are not read), else the contract's start.
//   - CancelledOn is set when the units are 0 now after more than 0 before:
//     Autotask cannot delete a contract service, so it is cut to 0 units by
//     an adjustment, and the date is where the 0 began.
//   - Billed is false for a line priced at 0: Autotask has no do-not-bill
//     flag on a contract service, and one priced at 0 bills nothing (like
//     ConnectWise's NoCharge). The price is the contract's adjusted price
//     where there is one, else the unit price.
func (c *Client) lineFrom(k wireContract, s wireContractService, ws []wireUnits, periods map[string]string, now time.Time) (connectors.BillingLine, bool) {
	l := connectors.BillingLine{
		LineRef: connectors.LineRef{
			CompanyID:   id(k.CompanyID),
			AgreementID: id(k.ID),
			LineID:      id(s.ID),
		},
		AgreementName: strings.TrimSpace(k.ContractName),
		ItemID:        id(s.ServiceID),
		Description:   strings.TrimSpace(s.InvoiceDescription),
		Billed:        true,
	}
	var warns []string
	l.AgreementState, warns = contractState(k, now)
	var wf string
	l.BillingFrequency, wf = frequency(periods[strings.TrimSpace(string(k.ContractPeriodType))])
	warns = field.Warn(warns, wf)

	price := s.AdjustedPrice
	if strings.TrimSpace(string(price)) == "" {
		price = s.UnitPrice
	}
	var w1, w2 string
	l.UnitPrice, w1 = parseMoney("price", price, c.currency)
	l.UnitCost, w2 = parseMoney("unitCost", s.UnitCost, c.currency)
	warns = field.Warn(field.Warn(warns, w1), w2)
	if l.UnitPrice.Known() && l.UnitPrice.Minor == 0 {
		l.Billed = false
	}

	rows, rw := rowsFrom(ws)
	warns = append(warns, rw...)
	row, ok := lineRow(rows, now)
	whole := true
	if !ok {
		whole, l.QuantityDoubtful = false, true
		l.EffectiveFrom, _ = optionalTime("contract startDate", k.StartDate)
		warns = append(warns, "Autotask holds no units for this contract service; counted as 0")
	} else {
		l.Quantity, whole, l.Version = row.units, row.whole, row.version()
		l.QuantityDoubtful = row.warning != ""
		warns = field.Warn(warns, row.warning)
		l.EffectiveFrom = rows[0].start
		if row.units == 0 && row.holds(now) {
			l.CancelledOn = cutToZeroOn(rows, row)
		}
	}
	l.Warnings = warns
	return l, whole
}

// cutToZeroOn is where the run of rows at 0 units that ends with current
// began, when a row before it had units; else the zero time.
func cutToZeroOn(rows []unitsRow, current unitsRow) time.Time {
	since := current.start
	for i := len(rows) - 1; i >= 0; i-- {
		r := rows[i]
		if r.start.After(current.start) {
			continue
		}
		if r.units != 0 {
			return since
		}
		since = r.start
	}
	return time.Time{}
}

// contractState reads a contract's state at now: status 0 (inactive) is
// cancelled; an end date passed (endDate is the last day billed) is
// expired; status 1 ("In Effect") is active. Any other status counts as
// active, flagged.
func contractState(k wireContract, now time.Time) (connectors.AgreementState, []string) {
	var warns []string
	end, w := optionalTime("contract endDate", k.EndDate)
	warns = field.Warn(warns, w)
	status := strings.TrimSpace(string(k.Status))
	switch {
	case status == "0":
		return connectors.AgreementCancelled, warns
	case !end.IsZero() && !now.Before(end.AddDate(0, 0, 1)):
		return connectors.AgreementExpired, warns
	case status == "1":
		return connectors.AgreementActive, warns
	}
	return connectors.AgreementActive, append(warns, fmt.Sprintf("contract status %q is not one seats knows; read as active", field.Clip(status)))
}
