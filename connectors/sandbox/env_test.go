package sandbox

import (
	"strings"
	"testing"
	"time"
)

func TestOptionsFromLookup(t *testing.T) {
	t.Parallel()
	base := Options{Dir: "/x", Seed: 1, Customers: 40, Latency: time.Second, ApproveAfter: 3 * time.Second}
	tests := []struct {
		name    string
		env     map[string]string
		want    Options
		wantErr string // the variable the error must name
		says    string // and what it says of the value
	}{
		{name: "nothing set", env: nil, want: base},
		{name: "empty values are unset", env: map[string]string{EnvSeed: "", EnvLatency: ""}, want: base},
		{
			name: "all set",
			env: map[string]string{
				EnvSeed: "-42", EnvCustomers: "1000", EnvLatency: "250ms", EnvApproveAfter: "10s", EnvAdminConsentAuto: "2s",
			},
			want: Options{Dir: "/x", Seed: -42, Customers: 1000, Latency: 250 * time.Millisecond,
				ApproveAfter: 10 * time.Second, AdminConsentAutoAccept: 2 * time.Second},
		},
		{
			name: "approve at once",
			env:  map[string]string{EnvApproveAfter: "0s"},
			want: Options{Dir: "/x", Seed: 1, Customers: 40, Latency: time.Second, ApproveAfter: -1},
		},
		{name: "seed not a number", env: map[string]string{EnvSeed: "abc"}, wantErr: EnvSeed},
		{name: "customers zero", env: map[string]string{EnvCustomers: "0"}, wantErr: EnvCustomers,
			says: `"0" is not a number of customers from 1 to `},
		{name: "customers huge", env: map[string]string{EnvCustomers: "5000000"}, wantErr: EnvCustomers,
			says: `"5000000" is not a number of customers from 1 to `},
		{name: "latency without unit", env: map[string]string{EnvLatency: "200"}, wantErr: EnvLatency,
			says: `"200" is not a duration from 0s to 1h, such as 200ms or 5s`},
		{name: "latency negative", env: map[string]string{EnvLatency: "-1s"}, wantErr: EnvLatency},
		{name: "approve after garbage", env: map[string]string{EnvApproveAfter: "soon"}, wantErr: EnvApproveAfter},
		{name: "admin consent too long", env: map[string]string{EnvAdminConsentAuto: "48h"}, wantErr: EnvAdminConsentAuto,
			says: `"48h" is not a duration from 0s to 1h, such as 200ms or 5s`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lookup := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			got, err := optionsFromLookup(base, lookup)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr+":") {
					t.Fatalf("err = %v, want one naming %s", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.says) {
					t.Errorf("err = %v, want it to say %s", err, tt.says)
				}
				if got.Seed != base.Seed || got.Customers != base.Customers || got.Latency != base.Latency {
					t.Errorf("options changed on error: %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Dir != tt.want.Dir || got.Seed != tt.want.Seed || got.Customers != tt.want.Customers ||
				got.Latency != tt.want.Latency || got.ApproveAfter != tt.want.ApproveAfter ||
				got.AdminConsentAutoAccept != tt.want.AdminConsentAutoAccept {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// OptionsFromEnv reads the process environment; t.Setenv rules out
// t.Parallel here.
func TestOptionsFromEnv(t *testing.T) {
	t.Setenv(EnvSeed, "7")
	t.Setenv(EnvLatency, "1m")
	got, err := OptionsFromEnv(DefaultOptions("/home/sandbox"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Seed != 7 || got.Latency != time.Minute || got.Customers != 0 || !got.ThrottleOnce || got.ApproveAfter != DefaultApproveAfter {
		t.Errorf("got %+v", got)
	}
	t.Setenv(EnvCustomers, "many")
	if _, err := OptionsFromEnv(Options{}); err == nil || !strings.Contains(err.Error(), EnvCustomers) {
		t.Errorf("err = %v, want one naming %s", err, EnvCustomers)
	}
}

func TestFaultsFromLookup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		env      map[string]string
		wantRate float64
		wantN    int
		wantSeed uint64
		wantErr  string
		says     string
	}{
		{name: "none", env: nil},
		{name: "kinds take the default rate", env: map[string]string{EnvFaults: "429,drop"}, wantRate: DefaultFaultRate, wantN: 2},
		{name: "all at a percentage", env: map[string]string{EnvFaults: "all", EnvFaultRate: "25%", EnvFaultSeed: "9"}, wantRate: 0.25, wantN: 6, wantSeed: 9},
		{name: "rate alone means every kind", env: map[string]string{EnvFaultRate: "0.5"}, wantRate: 0.5},
		{name: "unknown kind", env: map[string]string{EnvFaults: "flood"}, wantErr: EnvFaults},
		{name: "rate over one", env: map[string]string{EnvFaultRate: "1.5"}, wantErr: EnvFaultRate,
			says: `"1.5" is not a share from 0 to 1, such as 0.1 or 10%`},
		{name: "seed not a number", env: map[string]string{EnvFaultSeed: "x"}, wantErr: EnvFaultSeed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lookup := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			got, err := optionsFromLookup(Options{Dir: "/x"}, lookup)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr+":") {
					t.Fatalf("err = %v, want one naming %s", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.says) {
					t.Errorf("err = %v, want it to say %s", err, tt.says)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Faults.Rate != tt.wantRate || len(got.Faults.Kinds) != tt.wantN || got.Faults.Seed != tt.wantSeed {
				t.Fatalf("faults %+v", got.Faults)
			}
		})
	}
}
