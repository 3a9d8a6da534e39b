package sandbox

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors/microsoft/msfake"
)

// Environment variables OptionsFromEnv reads.
const (
	EnvSeed             = "SEATS_SANDBOX_SEED"
	EnvCustomers        = "SEATS_SANDBOX_CUSTOMERS"
	EnvLatency          = "SEATS_SANDBOX_LATENCY"
	EnvApproveAfter     = "SEATS_SANDBOX_APPROVE_AFTER"
	EnvAdminConsentAuto = "SEATS_SANDBOX_ADMIN_CONSENT_AUTO"
	EnvFaults           = "SEATS_SANDBOX_FAULTS"
	EnvFaultRate        = "SEATS_SANDBOX_FAULT_RATE"
	EnvFaultSeed        = "SEATS_SANDBOX_FAULT_SEED"
)

// DefaultFaultRate is the share of answers spoiled when faults are asked
// for without a rate.
const DefaultFaultRate = 0.1

// Bounds of the values OptionsFromEnv accepts: beyond them a value is a
// typo, not a wish.
const (
	maxSandboxCustomers   = 100_000
	maxSandboxDurationEnv = time.Hour
)

// OptionsFromEnv returns o with the settings found in the environment
// applied: SEATS_SANDBOX_SEED (an integer), SEATS_SANDBOX_CUSTOMERS (1 to
// 100000), and SEATS_SANDBOX_LATENCY, SEATS_SANDBOX_APPROVE_AFTER and
// SEATS_SANDBOX_ADMIN_CONSENT_AUTO (Go durations such as 200ms or 5s, up to
// an hour; an approval delay of 0 approves at the first poll), and the
// faults: SEATS_SANDBOX_FAULTS (429, 5xx, drop, cut, truncated, slow,
// comma-separated, or all), SEATS_SANDBOX_FAULT_RATE (the share of answers
// spoiled, 0.1 or 10%; DefaultFaultRate when only faults are named) and
// SEATS_SANDBOX_FAULT_SEED (repeatable choices). Unset or empty variables
// leave o's value. A bad value is an error naming the
// variable; o is then returned unchanged.
func OptionsFromEnv(o Options) (Options, error) {
	return optionsFromLookup(o, os.LookupEnv)
}

// optionsFromLookup is OptionsFromEnv over any environment, so that tests
// need not change the process's own.
func optionsFromLookup(o Options, lookup func(string) (string, bool)) (Options, error) {
	out := o
	if v, ok := lookup(EnvSeed); ok && v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return o, fmt.Errorf("%s: %q is not a whole number", EnvSeed, v)
		}
		out.Seed = n
	}
	if v, ok := lookup(EnvCustomers); ok && v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxSandboxCustomers {
			return o, fmt.Errorf("%s: %q is not a number of customers from 1 to %d", EnvCustomers, v, maxSandboxCustomers)
		}
		out.Customers = n
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{
		{EnvLatency, &out.Latency},
		{EnvApproveAfter, &out.ApproveAfter},
		{EnvAdminConsentAuto, &out.AdminConsentAutoAccept},
	} {
		v, ok := lookup(d.name)
		if !ok || v == "" {
			continue
		}
		dur, err := time.ParseDuration(v)
		if err != nil || dur < 0 || dur > maxSandboxDurationEnv {
			return o, fmt.Errorf("%s: %q is not a duration from 0s to 1h, such as 200ms or 5s", d.name, v)
		}
		if dur == 0 && d.name == EnvApproveAfter {
			dur = -1 // Options spell "at once" as negative; zero is the default
		}
		*d.dst = dur
	}
	return faultsFromLookup(o, out, lookup)
}

// faultsFromLookup reads the fault variables into out; on a bad value it
// returns o with an error naming the variable.
func faultsFromLookup(o, out Options, lookup func(string) (string, bool)) (Options, error) {
	if v, ok := lookup(EnvFaults); ok && v != "" {
		kinds, err := msfake.ParseFaults(v)
		if err != nil {
			return o, fmt.Errorf("%s: %v", EnvFaults, err)
		}
		out.Faults.Kinds = kinds
		if out.Faults.Rate == 0 {
			out.Faults.Rate = DefaultFaultRate
		}
	}
	if v, ok := lookup(EnvFaultRate); ok && v != "" {
		rate, err := parseRate(v)
		if err != nil {
			return o, fmt.Errorf("%s: %q is not a share from 0 to 1, such as 0.1 or 10%%", EnvFaultRate, v)
		}
		out.Faults.Rate = rate
	}
	if v, ok := lookup(EnvFaultSeed); ok && v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return o, fmt.Errorf("%s: %q is not a whole number", EnvFaultSeed, v)
		}
		out.Faults.Seed = n
	}
	return out, nil
}

// parseRate reads a share as 0.1 or 10%.
func parseRate(v string) (float64, error) {
	v = strings.TrimSpace(v)
	scale := 1.0
	if strings.HasSuffix(v, "%") {
		v, scale = strings.TrimSuffix(v, "%"), 100
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f/scale > 1 {
		return 0, fmt.Errorf("not a share")
	}
	return f / scale, nil
}
