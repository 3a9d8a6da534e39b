package atfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// adjustmentBody is a ContractServiceAdjustments POST as Autotask takes it.
type adjustmentBody struct {
	ContractID        json.Number `json:"contractID"`
	ContractServiceID json.Number `json:"contractServiceID"`
	ServiceID         json.Number `json:"serviceID"`
	EffectiveDate     string      `json:"effectiveDate"`
	UnitChange        json.Number `json:"unitChange"`
	AdjustedUnitPrice json.Number `json:"adjustedUnitPrice"`
	AdjustedUnitCost  json.Number `json:"adjustedUnitCost"`
}

// postAdjustment applies one adjustment. Refusals answer 500 with
// {"errors":[...]}, as Autotask answers validation failures. Call with the
// lock held.
func (s *Server) postAdjustment(body []byte) answer {
	var b adjustmentBody
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if err := dec.Decode(&b); err != nil {
		return atError(http.StatusInternalServerError, "The request body could not be read: "+err.Error())
	}
	contractID, _ := b.ContractID.Int64()
	csID, _ := b.ContractServiceID.Int64()
	serviceID, _ := b.ServiceID.Int64()
	change, err := b.UnitChange.Int64()
	if err != nil {
		return atError(http.StatusInternalServerError, "unitChange is required and must be a whole number.")
	}
	eff, err := parseDate(strings.TrimSpace(b.EffectiveDate))
	if err != nil {
		return atError(http.StatusInternalServerError, "effectiveDate is required.")
	}
	var cs ContractService
	found := false
	for _, c := range s.w.ContractServices {
		if (csID != 0 && c.ID == int(csID)) || (csID == 0 && c.ContractID == int(contractID) && c.ServiceID == int(serviceID)) {
			cs, found = c, true
			break
		}
	}
	if !found || contractID == 0 || cs.ContractID != int(contractID) {
		return atError(http.StatusInternalServerError, "The contract service does not exist on the contract.")
	}
	if serviceID != 0 && cs.ServiceID != int(serviceID) {
		return atError(http.StatusInternalServerError, "serviceID does not match the contract service.")
	}
	if err := s.adjust(cs, eff, int(change), s.w.UserName, false); err != nil {
		return atError(http.StatusInternalServerError, err.Error())
	}
	s.applied.Add(1)
	a := ok(map[string]any{"itemId": s.w.Adjustments[len(s.w.Adjustments)-1].ID})
	a.changed = true
	return a
}

func (s *Server) contractService(id int) (ContractService, bool) {
	for _, c := range s.w.ContractServices {
		if c.ID == id {
			return c, true
		}
	}
	return ContractService{}, false
}

func (s *Server) contract(id int) (Contract, bool) {
	for _, c := range s.w.Contracts {
		if c.ID == id {
			return c, true
		}
	}
	return Contract{}, false
}

func (s *Server) nextID() int {
	if s.w.NextID <= 0 {
		s.w.NextID = 900000
	}
	s.w.NextID++
	return s.w.NextID - 1
}

// day is midnight UTC of t's date.
func day(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }

// adjust changes cs's units by change from eff on, as Autotask applies an
// adjustment: the date must fall within the contract; the row holding it is
// split there; every row from it on gains the change (and a new id); no row
// may fall below zero. renumber gives the row holding eff a new id even
// when change is 0 (another person's edit). Call with the lock held.
func (s *Server) adjust(cs ContractService, eff time.Time, change int, by string, renumber bool) error {
	eff = day(eff)
	k, ok := s.contract(cs.ContractID)
	if !ok {
		return errors.New("The contract does not exist.")
	}
	if k.Type != ContractTypeRecurring {
		return errors.New("Adjustments can only be made on Recurring Service contracts.")
	}
	if eff.Before(day(k.StartDate)) || eff.After(day(k.EndDate)) {
		// Autotask's words; the dates as it writes them in this message.
		return fmt.Errorf("effectiveDate must be between %s and %s.", k.StartDate.Format("1/2/2006"), k.EndDate.Format("1/2/2006"))
	}
	delta := decimal.NewFromInt(int64(change))
	var rows []ServiceUnits
	var others []ServiceUnits
	for _, u := range s.w.Units {
		if u.ContractServiceID == cs.ID {
			rows = append(rows, u)
		} else {
			others = append(others, u)
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].StartDate.Before(rows[j].StartDate) })
	var out []ServiceUnits
	touched := false
	for _, u := range rows {
		switch {
		case day(u.EndDate).Before(eff):
			out = append(out, u)
		case !day(u.StartDate).Before(eff):
			u.Units = add(u.Units, delta)
			if change != 0 || (renumber && day(u.StartDate).Equal(eff)) {
				u.ID = s.nextID()
			}
			out = append(out, u)
			touched = true
		default: // the row holding eff: split it
			tail := u
			u.EndDate = eff.AddDate(0, 0, -1)
			tail.ID, tail.StartDate, tail.Units = s.nextID(), eff, add(tail.Units, delta)
			out = append(out, u, tail)
			touched = true
		}
	}
	if !touched {
		if change < 0 {
			return errors.New("unitChange would leave fewer than 0 units.")
		}
		out = append(out, ServiceUnits{ID: s.nextID(), ContractID: cs.ContractID, ContractServiceID: cs.ID, ServiceID: cs.ServiceID,
			StartDate: eff, EndDate: day(k.EndDate), Units: json.Number(delta.String()), Price: cs.UnitPrice, Cost: cs.UnitCost})
	}
	for _, u := range out {
		if d, err := decimal.NewFromString(string(u.Units)); err == nil && d.IsNegative() {
			return errors.New("unitChange would leave fewer than 0 units.")
		}
	}
	s.w.Units = append(others, out...)
	sort.Slice(s.w.Units, func(i, j int) bool { return s.w.Units[i].ID < s.w.Units[j].ID })
	s.w.Adjustments = append(s.w.Adjustments, Adjustment{ID: s.nextID(), ContractID: cs.ContractID, ContractServiceID: cs.ID, ServiceID: cs.ServiceID,
		EffectiveDate: eff, UnitChange: change, PostedAt: s.opts.Now().UTC().Truncate(time.Second), PostedBy: by})
	return nil
}

func add(n json.Number, delta decimal.Decimal) json.Number {
	d, err := decimal.NewFromString(string(n))
	if err != nil {
		d = decimal.Zero
	}
	return json.Number(d.Add(delta).String())
}

// unitsAt is the whole units of contract service id on date d, and
// whether a row holds d.
func unitsAt(units []ServiceUnits, id int, d time.Time) (int, bool) {
	for _, u := range units {
		if u.ContractServiceID == id && !day(u.StartDate).After(d) && !day(u.EndDate).Before(d) {
			v, err := decimal.NewFromString(string(u.Units))
			if err != nil {
				return 0, true
			}
			return int(v.IntPart()), true
		}
	}
	return 0, false
}

// UnitsAt is the units of contract service id on date d as the world
// holds them (the fractional part dropped), and whether a row holds d. A
// helper for tests.
func UnitsAt(w World, id int, d time.Time) (int, bool) { return unitsAt(w.Units, id, day(d)) }
