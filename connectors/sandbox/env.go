package sandbox

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// Environment variables OptionsFromEnv reads.
const (
	EnvSeed             = "SEATS_SANDBOX_SEED"
	EnvCustomers        = "SEATS_SANDBOX_CUSTOMERS"
	EnvLatency          = "SEATS_SANDBOX_LATENCY"
	EnvApproveAfter     = "SEATS_SANDBOX_APPROVE_AFTER"
	EnvAdminConsentAuto = "SEATS_SANDBOX_ADMIN_CONSENT_AUTO"
)

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
// an hour; an approval delay of 0 approves at the first poll). Unset or
// empty variables leave o's value. A bad value is an error naming the
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
	return out, nil
}
