package reconcile

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
)

const (
	tenantContoso  = "11111111-1111-1111-1111-111111111111"
	tenantFabrikam = "22222222-2222-2222-2222-222222222222"
	commerceSubA   = "7c1e0000-aaaa-bbbb-cccc-000000000001"
)

// one builds the input for one customer against one distributor account
// and one PSA company.
func oneCustomer(c MatchCustomer, a connectors.DistributorAccount, subs []connectors.DistributorSubscription, co connectors.PSACompany) AccountMatchInput {
	return AccountMatchInput{
		Customers:       []MatchCustomer{c},
		DistributorKind: "pax8", DistributorAccounts: []connectors.DistributorAccount{a}, DistributorSubscriptions: subs,
		PSAKind: "connectwise", PSACompanies: []connectors.PSACompany{co},
	}
}

func TestMatchAccountsEvidence(t *testing.T) {
	t.Parallel()
	client := func(id, name string) connectors.PSACompany {
		return connectors.PSACompany{ID: id, Name: name, Active: true, Type: connectors.CompanyClient}
	}
	acct := func(id, name string) connectors.DistributorAccount {
		return connectors.DistributorAccount{ID: id, Name: name, Active: true}
	}
	contoso := MatchCustomer{TenantID: tenantContoso, Name: "Contoso Inc", Domains: []string{"contoso.com", "contoso.onmicrosoft.com"},
		CommerceSubscriptionIDs: []string{commerceSubA}}
	tests := []struct {
		name       string
		in         AccountMatchInput
		wantDist   AccountMatch
		wantPSA    AccountMatch
		wantScores bool
	}{
		{
			name: "subscription id on both sides",
			in: oneCustomer(contoso, acct("p1", "Someone Else"),
				[]connectors.DistributorSubscription{{ID: "s1", AccountID: "p1", MicrosoftSubscriptionID: strings.ToUpper(commerceSubA)}},
				client("c1", "Unrelated")),
			wantDist: AccountMatch{AccountID: "p1", AccountName: "Someone Else", State: StateAuto, Evidence: EvidenceSubscriptionID,
				Reason: "same Microsoft subscription id 7c1e… on both sides"},
			wantPSA: AccountMatch{State: StateUnmapped},
		},
		{
			name: "tenant id in Pax8 externalId and in the PSA",
			in: oneCustomer(contoso,
				connectors.DistributorAccount{ID: "p1", Name: "X", Active: true, TenantID: tenantContoso, TenantIDSource: "externalId"}, nil,
				connectors.PSACompany{ID: "c1", Name: "Y", Active: true, Type: connectors.CompanyClient, TenantIDs: []string{strings.ToUpper(tenantContoso)}}),
			wantDist: AccountMatch{AccountID: "p1", AccountName: "X", State: StateAuto, Evidence: EvidenceTenantID, Reason: "tenant id in Pax8 externalId"},
			wantPSA:  AccountMatch{AccountID: "c1", AccountName: "Y", State: StateAuto, Evidence: EvidenceTenantID, Reason: "tenant id in ConnectWise company record"},
		},
		{
			name: "domain equals website",
			in: oneCustomer(contoso,
				connectors.DistributorAccount{ID: "p1", Name: "X", Active: true, Domain: "https://www.contoso.com/"}, nil,
				connectors.PSACompany{ID: "c1", Name: "Y", Active: true, Type: connectors.CompanyClient, Domain: "contoso.com"}),
			wantDist: AccountMatch{AccountID: "p1", AccountName: "X", State: StateAuto, Evidence: EvidenceDomain, Reason: "domain contoso.com = website"},
			wantPSA:  AccountMatch{AccountID: "c1", AccountName: "Y", State: StateAuto, Evidence: EvidenceDomain, Reason: "domain contoso.com = website"},
		},
		{
			name:     "exact and normalised names",
			in:       oneCustomer(contoso, acct("p1", "Contoso Inc"), nil, client("c1", "CONTOSO, Inc.")),
			wantDist: AccountMatch{AccountID: "p1", AccountName: "Contoso Inc", State: StateAuto, Evidence: EvidenceExactName, Reason: "same name"},
			wantPSA: AccountMatch{AccountID: "c1", AccountName: "CONTOSO, Inc.", State: StateAuto, Evidence: EvidenceNormalizedName,
				Reason: "same name after normalising (Inc)"},
		},
		{
			name: "normalised across accents and &",
			in: oneCustomer(MatchCustomer{TenantID: tenantFabrikam, Name: "Müller & Söhne"},
				acct("p1", "Muller and Sohne GmbH"), nil, client("c1", "MÜLLER & SÖHNE")),
			wantDist: AccountMatch{AccountID: "p1", AccountName: "Muller and Sohne GmbH", State: StateAuto, Evidence: EvidenceNormalizedName,
				Reason: "same name after normalising (GmbH)"},
			wantPSA: AccountMatch{AccountID: "c1", AccountName: "MÜLLER & SÖHNE", State: StateAuto, Evidence: EvidenceNormalizedName,
				Reason: "same name after normalising (case)"},
		},
		{
			name: "similar name is only suggested, with a score",
			in: oneCustomer(MatchCustomer{TenantID: tenantFabrikam, Name: "Lamna"},
				acct("p1", "Lamna Healthcare"), nil, client("c1", "Lamna Healthcare Company")),
			wantDist:   AccountMatch{AccountID: "p1", AccountName: "Lamna Healthcare", State: StateSuggested, Evidence: EvidenceSimilarName},
			wantPSA:    AccountMatch{AccountID: "c1", AccountName: "Lamna Healthcare Company", State: StateSuggested, Evidence: EvidenceSimilarName},
			wantScores: true,
		},
		{
			name: "inactive, prospect and vendor are suggested, never auto",
			in: oneCustomer(contoso,
				connectors.DistributorAccount{ID: "p1", Name: "Contoso Inc", Active: false}, nil,
				connectors.PSACompany{ID: "c1", Name: "Contoso Inc", Active: true, Type: connectors.CompanyProspect}),
			wantDist: AccountMatch{AccountID: "p1", AccountName: "Contoso Inc", State: StateSuggested, Evidence: EvidenceExactName, Score: 95,
				Reason: "same name; not matched automatically: the account is inactive"},
			wantPSA: AccountMatch{AccountID: "c1", AccountName: "Contoso Inc", State: StateSuggested, Evidence: EvidenceExactName, Score: 95,
				Reason: "same name; not matched automatically: the company is a prospect"},
		},
		{
			name: "vendor company",
			in: oneCustomer(contoso, acct("p1", "Nothing Alike"), nil,
				connectors.PSACompany{ID: "c1", Name: "Contoso Inc", Active: true, Type: connectors.CompanyVendor}),
			wantDist: AccountMatch{State: StateUnmapped},
			wantPSA: AccountMatch{AccountID: "c1", AccountName: "Contoso Inc", State: StateSuggested, Evidence: EvidenceExactName, Score: 95,
				Reason: "same name; not matched automatically: the company is a vendor"},
		},
		{
			name: "stronger evidence wins over a name",
			in: AccountMatchInput{
				Customers:       []MatchCustomer{contoso},
				DistributorKind: "pax8",
				DistributorAccounts: []connectors.DistributorAccount{
					acct("byname", "Contoso Inc"),
					{ID: "bydomain", Name: "CTS", Active: true, Domain: "contoso.com"},
				},
			},
			wantDist: AccountMatch{AccountID: "bydomain", AccountName: "CTS", State: StateAuto, Evidence: EvidenceDomain, Reason: "domain contoso.com = website"},
			wantPSA:  AccountMatch{State: StateUnmapped, Reason: "no PSA accounts read yet"},
		},
		{
			name: "two accounts with the same evidence: a suggestion, not a guess",
			in: AccountMatchInput{
				Customers:           []MatchCustomer{contoso},
				DistributorKind:     "pax8",
				DistributorAccounts: []connectors.DistributorAccount{acct("a", "Contoso Inc"), acct("b", "Contoso Inc")},
			},
			wantDist: AccountMatch{AccountID: "a", AccountName: "Contoso Inc", State: StateSuggested, Evidence: EvidenceExactName, Score: 95,
				Reason: "same name; 2 Pax8 accounts fit, pick one"},
			wantPSA: AccountMatch{State: StateUnmapped, Reason: "no PSA accounts read yet"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := MatchAccounts(tt.in)
			if len(got) != 1 {
				t.Fatalf("got %d mappings, want 1", len(got))
			}
			// A match found in a snapshot records the kind it was found in.
			wantDist, wantPSA := tt.wantDist, tt.wantPSA
			if wantDist.AccountID != "" {
				wantDist.Kind = tt.in.DistributorKind
			}
			if wantPSA.AccountID != "" {
				wantPSA.Kind = tt.in.PSAKind
			}
			checkMatch(t, "distributor", got[0].Distributor, wantDist, tt.wantScores)
			checkMatch(t, "PSA", got[0].PSA, wantPSA, tt.wantScores)
		})
	}
}

func checkMatch(t *testing.T, side string, got, want AccountMatch, scored bool) {
	t.Helper()
	if scored {
		if got.Score < minSuggestScore || got.Score >= 100 || !strings.Contains(got.Reason, fmt.Sprintf("%d%%", got.Score)) {
			t.Errorf("%s: score %d, reason %q: want a suggestion score in [%d,100) stated in the reason", side, got.Score, got.Reason, minSuggestScore)
		}
		got.Score, got.Reason = 0, ""
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s:\n got %+v\nwant %+v", side, got, want)
	}
}

func TestMatchAccountsUnmappedWhenNothingAlike(t *testing.T) {
	t.Parallel()
	got := MatchAccounts(oneCustomer(MatchCustomer{TenantID: tenantContoso, Name: "Contoso"},
		connectors.DistributorAccount{ID: "p1", Name: "Woodgrove Bank", Active: true}, nil,
		connectors.PSACompany{ID: "c1", Name: "Alpine Ski House", Active: true, Type: connectors.CompanyClient}))
	if got[0].State() != StateUnmapped || got[0].Distributor.AccountID != "" || got[0].PSA.AccountID != "" {
		t.Errorf("unrelated names matched: %+v", got[0])
	}
}

func TestMatchAccountsConflictNeverSilent(t *testing.T) {
	t.Parallel()
	// Two customers whose names both normalise to the account's name.
	in := AccountMatchInput{
		Customers: []MatchCustomer{
			{TenantID: tenantContoso, Name: "Contoso Ltd"},
			{TenantID: tenantFabrikam, Name: "Contoso LLC"},
		},
		DistributorKind:     "pax8",
		DistributorAccounts: []connectors.DistributorAccount{{ID: "p1", Name: "Contoso", Active: true}},
	}
	got := MatchAccounts(in)
	for _, m := range got {
		d := m.Distributor
		if d.State != StateSuggested || !d.Conflict || len(d.ConflictWith) != 1 || d.Matched() {
			t.Errorf("%s: %+v; want a conflicting suggestion naming the other customer", m.Customer, d)
		}
	}
	// A hand match keeps the account; the other customer's evidence
	// becomes a suggestion marked in conflict with it.
	in.Previous = []AccountMapping{{TenantID: tenantContoso, Distributor: HandMatch("p1", "Contoso")}}
	got = MatchAccounts(in)
	if d := got[0].Distributor; d.State != StateConfirmed || d.Conflict || !d.Matched() {
		t.Errorf("hand-matched holder: %+v", d)
	}
	if d := got[1].Distributor; d.State != StateSuggested || !d.Conflict || d.ConflictWith[0] != tenantContoso || d.Matched() {
		t.Errorf("second claimant: %+v", d)
	}
	// Two hand matches of one account: both marked, neither counts.
	in.Previous = append(in.Previous, AccountMapping{TenantID: tenantFabrikam, Distributor: HandMatch("p1", "Contoso")})
	got = MatchAccounts(in)
	for _, m := range got {
		if d := m.Distributor; d.State != StateConfirmed || !d.Conflict || d.Matched() {
			t.Errorf("%s: %+v; want a confirmed match in conflict", m.Customer, d)
		}
	}
}

func TestMatchAccountsKeepsHandMadeAndMissing(t *testing.T) {
	t.Parallel()
	in := oneCustomer(MatchCustomer{TenantID: tenantContoso, Name: "Contoso Inc"},
		connectors.DistributorAccount{ID: "p-auto", Name: "Contoso Inc", Active: true}, nil,
		connectors.PSACompany{ID: "c-auto", Name: "Contoso Inc", Active: true, Type: connectors.CompanyClient})

	// A hand match survives stronger automatic evidence for another account.
	in.Previous = []AccountMapping{{TenantID: tenantContoso, Distributor: HandMatch("p-hand", "Picked")}}
	got := MatchAccounts(in)[0]
	if got.Distributor.AccountID != "p-hand" || got.Distributor.State != StateConfirmed || !got.Distributor.Missing {
		t.Errorf("hand match: %+v; want kept, confirmed, marked missing (not in the snapshot)", got.Distributor)
	}
	if got.PSA.AccountID != "c-auto" || got.PSA.State != StateAuto {
		t.Errorf("PSA side: %+v", got.PSA)
	}

	// An automatic match whose account did not come back is kept, missing.
	in.Previous = []AccountMapping{{TenantID: tenantContoso,
		PSA: AccountMatch{AccountID: "c-old", AccountName: "Old", State: StateAuto, Evidence: EvidenceDomain, Reason: "domain contoso.com = website"}}}
	in.PSACompanies = nil
	got = MatchAccounts(in)[0]
	if got.PSA.AccountID != "c-old" || !got.PSA.Missing || got.PSA.State != StateAuto {
		t.Errorf("auto match with its source silent: %+v", got.PSA)
	}

	// An excluded customer stays excluded and gets no new matches.
	in.Previous = []AccountMapping{{TenantID: tenantContoso, Excluded: true}}
	got = MatchAccounts(in)[0]
	if got.State() != StateExcluded || got.Distributor.AccountID != "" {
		t.Errorf("excluded: %+v", got)
	}

	// A customer no longer listed keeps its mapping.
	in.Previous = []AccountMapping{{TenantID: tenantFabrikam, Customer: "Gone", PSA: HandMatch("c9", "Nine")}}
	all := MatchAccounts(in)
	if len(all) != 2 || all[1].TenantID != tenantFabrikam || !all[1].CustomerMissing || all[1].PSA.AccountID != "c9" {
		t.Errorf("mappings of a customer not listed this time: %+v", all)
	}
}

// TestMatchAccountsNeverSharesSilently is the property: whatever the input,
// no account is held (auto or confirmed) by two customers unless every
// holder is marked Conflict, and an automatic match is never shared.
func TestMatchAccountsNeverSharesSilently(t *testing.T) {
	t.Parallel()
	words := []string{"Contoso", "Fabrikam", "Lamna", "Inc", "Ltd", "& Co", "Health", "Müller"}
	name := func(r *rand.Rand) string {
		n := 1 + r.IntN(3)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = words[r.IntN(len(words))]
		}
		return strings.Join(parts, " ")
	}
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 1))
		var in AccountMatchInput
		in.DistributorKind, in.PSAKind = "pax8", "halopsa"
		nAcct := 1 + r.IntN(5)
		for i := range nAcct {
			in.DistributorAccounts = append(in.DistributorAccounts, connectors.DistributorAccount{
				ID: fmt.Sprint("d", i), Name: name(r), Active: r.IntN(4) > 0, Domain: []string{"", "a.com", "b.com"}[r.IntN(3)],
				TenantID: []string{"", "t0", "t1"}[r.IntN(3)]})
			in.PSACompanies = append(in.PSACompanies, connectors.PSACompany{
				ID: fmt.Sprint("c", i), Name: name(r), Active: true, Type: connectors.CompanyClient,
				Domain: []string{"", "a.com", "b.com"}[r.IntN(3)]})
			in.DistributorSubscriptions = append(in.DistributorSubscriptions, connectors.DistributorSubscription{
				AccountID: fmt.Sprint("d", r.IntN(nAcct)), MicrosoftSubscriptionID: fmt.Sprint("m", r.IntN(3))})
		}
		for i := range 1 + r.IntN(6) {
			c := MatchCustomer{TenantID: fmt.Sprint("t", i), Name: name(r), Domains: []string{[]string{"a.com", "b.com", "c.com"}[r.IntN(3)]},
				CommerceSubscriptionIDs: []string{fmt.Sprint("m", r.IntN(4))}}
			in.Customers = append(in.Customers, c)
			if r.IntN(3) == 0 {
				in.Previous = append(in.Previous, AccountMapping{TenantID: c.TenantID,
					Distributor: HandMatch(fmt.Sprint("d", r.IntN(nAcct)), ""), PSA: HandMatch(fmt.Sprint("c", r.IntN(nAcct)), "")})
			}
		}
		got := MatchAccounts(in)
		for _, pick := range []func(AccountMapping) AccountMatch{
			func(m AccountMapping) AccountMatch { return m.Distributor },
			func(m AccountMapping) AccountMatch { return m.PSA },
		} {
			holders := map[string][]AccountMatch{}
			for _, m := range got {
				a := pick(m)
				if a.State == StateAuto || a.State == StateConfirmed {
					holders[a.AccountID] = append(holders[a.AccountID], a)
				}
			}
			for id, hs := range holders {
				if len(hs) < 2 {
					continue
				}
				for _, h := range hs {
					if !h.Conflict || h.State == StateAuto || h.Matched() {
						t.Fatalf("seed %d: account %s held by %d customers, one silently: %+v", seed, id, len(hs), h)
					}
				}
			}
		}
	}
}

// syntheticWorld makes n customers and n accounts with realistic names:
// a shared vocabulary, so many names share trigrams and tokens.
func syntheticWorld(n int) AccountMatchInput {
	r := rand.New(rand.NewPCG(42, 42))
	first := []string{"Contoso", "Fabrikam", "Lamna", "Northwind", "Tailspin", "Woodgrove", "Alpine", "Adventure", "Blue", "Coho",
		"Datum", "Fourth", "Graphic", "Humongous", "Litware", "Margie", "Proseware", "Relecloud", "Southridge", "Trey", "Wide", "Wingtip"}
	second := []string{"Healthcare", "Dental", "Legal", "Bakery", "Motors", "Logistics", "Consulting", "Partners", "Group", "Systems",
		"Accounting", "Plumbing", "Design", "Foods", "Energy", "Media", "Clinic", "Realty", "Labs", "Travel"}
	suffix := []string{"", " Inc", " LLC", " Ltd", " Pty Ltd", " GmbH", " & Co"}
	var in AccountMatchInput
	in.DistributorKind, in.PSAKind = "pax8", "connectwise"
	for i := range n {
		base := fmt.Sprintf("%s %s %d", first[r.IntN(len(first))], second[r.IntN(len(second))], i)
		in.Customers = append(in.Customers, MatchCustomer{TenantID: fmt.Sprintf("t-%05d", i), Name: base,
			Domains: []string{fmt.Sprintf("cust%d.example", i)}})
		acctName := base + suffix[r.IntN(len(suffix))]
		if r.IntN(3) == 0 {
			acctName = fmt.Sprintf("%s %s %d", first[r.IntN(len(first))], second[r.IntN(len(second))], i+n)
		}
		in.DistributorAccounts = append(in.DistributorAccounts, connectors.DistributorAccount{ID: fmt.Sprint("d", i), Name: acctName, Active: true})
		in.PSACompanies = append(in.PSACompanies, connectors.PSACompany{ID: fmt.Sprint("c", i), Name: strings.ToUpper(acctName),
			Active: true, Type: connectors.CompanyClient})
	}
	return in
}

func BenchmarkMatchAccounts5000(b *testing.B) {
	in := syntheticWorld(5000)
	b.ReportAllocs()
	for b.Loop() {
		MatchAccounts(in)
	}
}
