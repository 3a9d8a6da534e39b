package settings

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seats-msp/seats/store/config"
)

// values is what the form edits, as typed: numbers and lists stay text
// until they are checked, so that a bad entry is kept for fixing.
type values struct {
	basis          string
	includeTrials  bool
	includeFree    bool
	tolerance      string
	ignoreProducts string
	concurrency    string
	staleAfter     string
	writeEnabled   bool
	effectiveDate  string
}

// The safe defaults, as config has them: used where the settings passed in
// leave a value unset.
const (
	defaultConcurrency = 8
	defaultStaleAfter  = 24 * time.Hour
)

// valuesFrom turns the current settings into form values, filling unset
// ones with the safe defaults.
func valuesFrom(s config.Settings) values {
	v := values{
		basis:          s.Billing.Basis,
		includeTrials:  s.Billing.IncludeTrials,
		includeFree:    s.Billing.IncludeFree,
		tolerance:      strconv.Itoa(s.Reconcile.Tolerance),
		ignoreProducts: strings.Join(s.Reconcile.IgnoreProducts, ", "),
		concurrency:    strconv.Itoa(s.Sync.Concurrency),
		staleAfter:     formatDuration(s.Sync.StaleAfter),
		writeEnabled:   s.PSA.WriteEnabled,
		effectiveDate:  s.PSA.EffectiveDate,
	}
	if v.basis != config.BasisAssigned {
		v.basis = config.BasisDistributor
	}
	if s.Sync.Concurrency <= 0 {
		v.concurrency = strconv.Itoa(defaultConcurrency)
	}
	if s.Sync.StaleAfter <= 0 {
		v.staleAfter = formatDuration(defaultStaleAfter)
	}
	if v.effectiveDate == "" {
		v.effectiveDate = config.EffectiveToday
	}
	return v
}

// fieldError is a value that failed its check: which setting, and why in
// a sentence that says what to type.
type fieldError struct {
	key string
	err error
}

func (e *fieldError) Error() string { return e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

// changes checks every value and returns them typed, keyed by config key,
// as config.(*Config).Save takes them. The error is a *fieldError naming
// the first setting at fault.
func (v values) changes() (map[string]any, error) {
	tolerance, err := checkTolerance(v.tolerance)
	if err != nil {
		return nil, &fieldError{config.KeyTolerance, err}
	}
	ignore, err := parseSkuIDs(v.ignoreProducts)
	if err != nil {
		return nil, &fieldError{config.KeyIgnoreProducts, err}
	}
	concurrency, err := checkConcurrency(v.concurrency)
	if err != nil {
		return nil, &fieldError{config.KeyConcurrency, err}
	}
	stale, err := checkDuration(v.staleAfter)
	if err != nil {
		return nil, &fieldError{config.KeyStaleAfter, err}
	}
	effective, err := checkEffectiveDate(v.effectiveDate)
	if err != nil {
		return nil, &fieldError{config.KeyEffectiveDate, err}
	}
	return map[string]any{
		config.KeyBillingBasis:   v.basis,
		config.KeyIncludeTrials:  v.includeTrials,
		config.KeyIncludeFree:    v.includeFree,
		config.KeyTolerance:      tolerance,
		config.KeyIgnoreProducts: ignore,
		config.KeyConcurrency:    concurrency,
		config.KeyStaleAfter:     stale,
		config.KeyWriteEnabled:   v.writeEnabled,
		config.KeyEffectiveDate:  effective,
	}, nil
}

// The checks below take text as typed and say what to type instead. They
// accept what config accepts (a test holds them to it), so that a value
// the form lets through is never refused on save.

func checkTolerance(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 10000 {
		return 0, fmt.Errorf("type a whole number of seats from 0 to 10000, not %q", strings.TrimSpace(s))
	}
	return n, nil
}

func checkConcurrency(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 64 {
		return 0, fmt.Errorf("type a whole number of calls from 1 to 64, not %q", strings.TrimSpace(s))
	}
	return n, nil
}

func checkDuration(s string) (string, error) {
	s = strings.TrimSpace(s)
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return "", fmt.Errorf("type a duration such as 24h, 90m or 168h (a week), not %q", s)
	}
	return s, nil
}

func checkEffectiveDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "":
		return config.EffectiveToday, nil
	case config.EffectiveToday, config.EffectiveNextMonth:
		return s, nil
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return "", fmt.Errorf("type today, first-of-next-month or a date as YYYY-MM-DD, not %q", s)
	}
	return s, nil
}

var guidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// parseSkuIDs splits a list of SKU ids typed with commas or spaces, lower
// cases them and drops repeats.
func parseSkuIDs(s string) ([]string, error) {
	out := []string{}
	for _, id := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' }) {
		id = strings.ToLower(id)
		if !guidPattern.MatchString(id) {
			return nil, fmt.Errorf("%q is not a Microsoft SKU id: type GUIDs such as cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46, separated by commas", id)
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// formatDuration writes d the way people type it: 24h, 1h30m, 90s.
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// asFieldError finds the setting at fault in err, if any.
func asFieldError(err error) (*fieldError, bool) {
	var fe *fieldError
	ok := errors.As(err, &fe)
	return fe, ok
}
