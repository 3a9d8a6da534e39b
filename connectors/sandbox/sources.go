package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/autotask/atfake"
	"github.com/seats-msp/seats/connectors/connectwise/cwfake"
	"github.com/seats-msp/seats/connectors/csvfile"
	"github.com/seats-msp/seats/connectors/halopsa/halofake"
	"github.com/seats-msp/seats/connectors/internal/fakekit"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
	"github.com/seats-msp/seats/connectors/pax8/pax8fake"
	"github.com/seats-msp/seats/connectors/sherweb/sherwebfake"
	"github.com/seats-msp/seats/connectors/skus"
	"github.com/seats-msp/seats/connectors/tdsynnex/tdsynnexfake"
)

// The distributor's and the PSA's worlds live beside world.json, each in
// its own file, generated from the Microsoft world on first use so that the
// same customers appear in all three (some named differently, some missing,
// as in real life).
const (
	pax8FileName        = "pax8.json"
	sherwebFileName     = "sherweb.json"
	tdsynnexFileName    = "tdsynnex.json"
	csvFileName         = "distributor.csv"
	connectWiseFileName = "connectwise.json"
	haloFileName        = "halopsa.json"
	autotaskFileName    = "autotask.json"
)

// sourceFileNames are every file of the sources' worlds, for Reset.
var sourceFileNames = []string{pax8FileName, sherwebFileName, tdsynnexFileName, csvFileName, connectWiseFileName, haloFileName, autotaskFileName}

// Where the fakes are mounted on the sandbox's one address.
const (
	pax8Prefix        = "/pax8"
	sherwebPrefix     = "/sherweb"
	tdsynnexPrefix    = "/tdsynnex"
	connectWisePrefix = "/connectwise"
	haloPrefix        = "/halopsa"
	autotaskPrefix    = "/autotask"
)

// sourcePrefixes are the prefixes routeSource serves.
var sourcePrefixes = []string{pax8Prefix, sherwebPrefix, tdsynnexPrefix, connectWisePrefix, haloPrefix, autotaskPrefix}

// Credentials are the sandbox's made-up distributor and PSA credentials: the
// values a person would paste from Pax8's and ConnectWise's own screens.
// They are random for every new sandbox world and good for nothing else.
type Credentials struct {
	Pax8ClientID, Pax8ClientSecret string
	SherwebClientID                string
	SherwebClientSecret            string
	SherwebSubscriptionKey         string
	TDSynnexAccountID              string
	// TDSynnexRefreshToken is the current one: it changes at every use.
	TDSynnexRefreshToken           string
	ConnectWiseCompanyID           string
	ConnectWisePublicKey           string
	ConnectWisePrivateKey          string
	ConnectWiseClientID            string
	HaloClientID, HaloClientSecret string
	HaloTenant                     string
	AutotaskUserName               string
	AutotaskSecret                 string
	AutotaskIntegrationCode        string
}

// SourceEndpoints are the URLs of the sandbox's distributor and PSA.
type SourceEndpoints struct {
	Pax8URL, Pax8TokenURL         string
	SherwebURL, SherwebTokenURL   string
	TDSynnexURL, TDSynnexTokenURL string
	CSVPath                       string // the distributor CSV file the sandbox writes
	ConnectWiseURL                string // the API base with its codebase
	HaloURL                       string // the instance
	AutotaskZoneLookupURL         string // where the zone is looked up (the zone is the fake too)
}

// sourceWorlds are the distributor's and the PSA's worlds of one sandbox.
type sourceWorlds struct {
	pax8    *pax8fake.World
	sherweb *sherwebfake.World
	ion     *tdsynnexfake.World
	cw      *cwfake.World
	halo    *halofake.World
	at      *atfake.World
}

// loadOrGenerateSources reads every source world, generating the missing
// ones: Pax8's from the Microsoft world, every other distributor's from
// Pax8's accounts and subscriptions, every PSA's from what the distributor
// bills (so that each kind shows the same customers). Their secrets come
// from crypto/rand, never from the seed.
func loadOrGenerateSources(dir string, ms *msfake.World, now time.Time, logf func(string, ...any)) (sourceWorlds, error) {
	var sw sourceWorlds
	var err error
	if sw.pax8, err = loadOrGenerate(dir, pax8FileName, logf, func() (*pax8fake.World, string) {
		w := pax8fake.Generate(ms, ms.Seed, now)
		w.ClientSecret = randomHex(24)
		w.SigningKey = []byte(randomHex(32))
		return &w, fmt.Sprintf("Pax8's world (%d companies, %d subscriptions)", len(w.Companies), len(w.Subscriptions))
	}); err != nil {
		return sw, err
	}
	dist := distributorInput(sw.pax8)
	if sw.sherweb, err = loadOrGenerate(dir, sherwebFileName, logf, func() (*sherwebfake.World, string) {
		w := sherwebfake.Generate(dist, ms.Seed, now)
		w.ClientSecret, w.SubscriptionKey = randomHex(24), randomHex(32)
		w.SigningKey = []byte(randomHex(32))
		return &w, fmt.Sprintf("Sherweb's world (%d customers, %d subscriptions)", len(w.Customers), len(w.Subscriptions))
	}); err != nil {
		return sw, err
	}
	if sw.ion, err = loadOrGenerate(dir, tdsynnexFileName, logf, func() (*tdsynnexfake.World, string) {
		w := tdsynnexfake.Generate(dist, ms.Seed, now)
		w.RefreshToken = randomHex(40)
		w.SigningKey = []byte(randomHex(32))
		return &w, fmt.Sprintf("TD SYNNEX's world (%d customers, %d subscriptions)", len(w.Customers), len(w.Subscriptions))
	}); err != nil {
		return sw, err
	}
	if err := generateFile(filepath.Join(dir, csvFileName), logf, func() ([]byte, string) {
		return csvfile.Generate(dist), fmt.Sprintf("the distributor CSV file (%d accounts)", len(dist.Accounts))
	}); err != nil {
		return sw, err
	}
	psa := psaInput(ms, sw.pax8)
	if sw.cw, err = loadOrGenerate(dir, connectWiseFileName, logf, func() (*cwfake.World, string) {
		w := cwfake.Generate(psa, ms.Seed, now)
		w.PrivateKey = randomHex(16)
		if w.ClientID == "" {
			// ConnectWise hands out a GUID per integration.
			w.ClientID = randomGUID()
		}
		return &w, fmt.Sprintf("ConnectWise's world (%d companies, %d agreements)", len(w.Companies), len(w.Agreements))
	}); err != nil {
		return sw, err
	}
	if sw.halo, err = loadOrGenerate(dir, haloFileName, logf, func() (*halofake.World, string) {
		w := halofake.Generate(psa, ms.Seed, now)
		w.ClientSecret = randomHex(40)
		return &w, fmt.Sprintf("HaloPSA's world (%d clients, %d recurring invoices)", len(w.Clients), len(w.Invoices))
	}); err != nil {
		return sw, err
	}
	if sw.at, err = loadOrGenerate(dir, autotaskFileName, logf, func() (*atfake.World, string) {
		w := atfake.Generate(psa, ms.Seed, now)
		w.Secret = randomHex(32)
		return &w, fmt.Sprintf("Autotask's world (%d companies, %d contracts)", len(w.Companies), len(w.Contracts))
	}); err != nil {
		return sw, err
	}
	return sw, nil
}

// loadOrGenerate reads the world in dir/name, or generates it, saves it and
// says so.
func loadOrGenerate[T any](dir, name string, logf func(string, ...any), generate func() (*T, string)) (*T, error) {
	path := filepath.Join(dir, name)
	w, err := loadJSON[T](path)
	if !errors.Is(err, fs.ErrNotExist) {
		return w, err
	}
	w, what := generate()
	if err := saveJSON(path, w); err != nil {
		return nil, err
	}
	logf("sandbox: generated %s in %s", what, path)
	return w, nil
}

// generateFile writes the file at path unless it exists.
func generateFile(path string, logf func(string, ...any), generate func() ([]byte, string)) error {
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	data, what := generate()
	if err := writeFileAtomic(path, data, 0o600); err != nil {
		return err
	}
	logf("sandbox: generated %s in %s", what, path)
	return nil
}

// psaInput says what the PSA should bill: per Microsoft customer,
// what its distributor bills the MSP (Pax8's active subscriptions of the
// company that holds the tenant id or the same domain), else the tenant's
// own enabled licences as monthly seats, as an MSP that bills from the
// tenant would.
func psaInput(ms *msfake.World, p8 *pax8fake.World) fakekit.PSAInput {
	products := map[string]pax8fake.Product{}
	for _, p := range p8.Products {
		products[p.ID] = p
	}
	companyOf := map[string]string{} // tenant id or domain -> company id
	for _, c := range p8.Companies {
		if c.ExternalID != "" {
			companyOf[strings.ToLower(c.ExternalID)] = c.ID
		}
		if c.Website != "" {
			companyOf[strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(c.Website, "https://"), "www."))] = c.ID
		}
	}
	// A company's subscriptions carry the tenant's commerce subscription
	// ids, which tie companies to tenants when neither the external id nor
	// the website does (as seats itself matches them).
	tenantOfCommerce := map[string]string{}
	for _, c := range ms.Customers {
		for _, sub := range c.Subscriptions {
			if sub.CommerceSubscriptionID != "" {
				tenantOfCommerce[strings.ToLower(sub.CommerceSubscriptionID)] = strings.ToLower(c.TenantID)
			}
		}
	}
	subsOf := map[string][]pax8fake.Subscription{}
	for _, s := range p8.Subscriptions {
		subsOf[s.CompanyID] = append(subsOf[s.CompanyID], s)
		if t := tenantOfCommerce[strings.ToLower(s.VendorSubscriptionID)]; t != "" {
			if _, known := companyOf[t]; !known {
				companyOf[t] = s.CompanyID
			}
		}
	}
	var in fakekit.PSAInput
	for _, c := range ms.Customers {
		gc := fakekit.PSACustomer{TenantID: c.TenantID, Name: c.Name, Domain: c.Domain}
		company := companyOf[strings.ToLower(c.TenantID)]
		if company == "" {
			company = companyOf[strings.ToLower(c.Domain)]
		}
		for _, s := range subsOf[company] {
			p := products[s.ProductID]
			if p.VendorName != "Microsoft" || s.VendorSkuID == "" || (s.Status != "Active" && s.Status != "PendingCancel") {
				continue
			}
			qty, err := strconv.Atoi(s.Quantity.String())
			if err != nil {
				continue
			}
			term := connectors.TermMonthly
			if s.Commitment != nil && strings.HasPrefix(s.Commitment.Term, "1") {
				term = connectors.TermAnnual
			}
			price, _, _ := connectors.ParseMoney(s.Price.String(), "USD")
			if term == connectors.TermAnnual && s.BillingTerm == "Monthly" {
				// The PSA bills annual seats on an annually billed
				// agreement: its price is per year.
				price = price.Times(12)
			}
			sku, _ := skus.ByID(s.VendorSkuID)
			gc.Products = append(gc.Products, fakekit.PSAProduct{SkuID: s.VendorSkuID, SkuPartNumber: sku.PartNumber,
				Name: skus.DisplayName(s.VendorSkuID, ""), Term: term, Quantity: qty, UnitPrice: price})
		}
		if company == "" {
			for _, k := range c.Skus {
				if skus.FreeOrTrial(k.SkuID, k.SkuPartNumber) {
					continue
				}
				gc.Products = append(gc.Products, fakekit.PSAProduct{SkuID: k.SkuID, SkuPartNumber: k.SkuPartNumber,
					Name: skus.DisplayName(k.SkuID, k.SkuPartNumber), Term: connectors.TermMonthly, Quantity: k.Enabled})
			}
		}
		in.Customers = append(in.Customers, gc)
	}
	return in
}

// loadSources reads every source world, which must exist (another
// process serves them).
func loadSources(dir string) (sourceWorlds, error) {
	var sw sourceWorlds
	var err error
	if sw.pax8, err = loadJSON[pax8fake.World](filepath.Join(dir, pax8FileName)); err != nil {
		return sw, err
	}
	if sw.sherweb, err = loadJSON[sherwebfake.World](filepath.Join(dir, sherwebFileName)); err != nil {
		return sw, err
	}
	if sw.ion, err = loadJSON[tdsynnexfake.World](filepath.Join(dir, tdsynnexFileName)); err != nil {
		return sw, err
	}
	if sw.cw, err = loadJSON[cwfake.World](filepath.Join(dir, connectWiseFileName)); err != nil {
		return sw, err
	}
	if sw.halo, err = loadJSON[halofake.World](filepath.Join(dir, haloFileName)); err != nil {
		return sw, err
	}
	if sw.at, err = loadJSON[atfake.World](filepath.Join(dir, autotaskFileName)); err != nil {
		return sw, err
	}
	return sw, nil
}

// credentialsOnly keeps of each world what a process using a sandbox that
// another serves needs: the credentials and the ConnectWise codebase. The
// companies, subscriptions and lines of a large world are hundreds of
// megabytes that such a process would otherwise hold for nothing.
func (sw sourceWorlds) credentialsOnly() sourceWorlds {
	return sourceWorlds{
		pax8:    &pax8fake.World{ClientID: sw.pax8.ClientID, ClientSecret: sw.pax8.ClientSecret},
		sherweb: &sherwebfake.World{ClientID: sw.sherweb.ClientID, ClientSecret: sw.sherweb.ClientSecret, SubscriptionKey: sw.sherweb.SubscriptionKey},
		ion:     &tdsynnexfake.World{AccountID: sw.ion.AccountID, RefreshToken: sw.ion.RefreshToken},
		cw: &cwfake.World{CompanyID: sw.cw.CompanyID, PublicKey: sw.cw.PublicKey, PrivateKey: sw.cw.PrivateKey,
			ClientID: sw.cw.ClientID, Codebase: sw.cw.Codebase},
		halo: &halofake.World{ClientID: sw.halo.ClientID, ClientSecret: sw.halo.ClientSecret, Tenant: sw.halo.Tenant},
		at:   &atfake.World{UserName: sw.at.UserName, Secret: sw.at.Secret, IntegrationCode: sw.at.IntegrationCode},
	}
}

// serveSources builds every distributor and PSA fake over its world; a
// PSA's world is written back after every write it takes.
func (s *Sandbox) serveSources(sw sourceWorlds, o Options) {
	s.pax8 = pax8fake.New(sw.pax8, pax8fake.Options{Latency: o.Latency, Now: o.Now, Faults: sourceFaults(o.Faults, 1)})
	s.sherweb = sherwebfake.New(sw.sherweb, sherwebfake.Options{Latency: o.Latency, Now: o.Now, Faults: sourceFaults(o.Faults, 2)})
	// Ion's refresh token rotates at every use: the world file follows it,
	// so that another process serving this sandbox accepts the newest.
	s.ion = tdsynnexfake.New(sw.ion, tdsynnexfake.Options{Latency: o.Latency, Now: o.Now, Faults: sourceFaults(o.Faults, 3), RefreshTokenRotated: func(string) {
		w := s.ion.World()
		keepWorld[tdsynnexfake.World](s, tdsynnexFileName)(w)
	}})
	s.cw = cwfake.New(sw.cw, cwfake.Options{Latency: o.Latency, Now: o.Now, Faults: sourceFaults(o.Faults, 4), OnChange: keepWorld[cwfake.World](s, connectWiseFileName)})
	s.halo = halofake.New(sw.halo, halofake.Options{Latency: o.Latency, Now: o.Now, Faults: sourceFaults(o.Faults, 5), OnChange: keepWorld[halofake.World](s, haloFileName)})
	s.at = atfake.New(sw.at, atfake.Options{Latency: o.Latency, Now: o.Now, Faults: sourceFaults(o.Faults, 6), OnChange: keepWorld[atfake.World](s, autotaskFileName)})
	s.sourceMux = http.NewServeMux()
	s.sourceMux.Handle(pax8Prefix+"/", http.StripPrefix(pax8Prefix, s.pax8))
	s.sourceMux.Handle(sherwebPrefix+"/", http.StripPrefix(sherwebPrefix, s.sherweb))
	s.sourceMux.Handle(tdsynnexPrefix+"/", http.StripPrefix(tdsynnexPrefix, s.ion))
	s.sourceMux.Handle(connectWisePrefix+"/", http.StripPrefix(connectWisePrefix, s.cw))
	s.sourceMux.Handle(haloPrefix+"/", http.StripPrefix(haloPrefix, s.halo))
	s.sourceMux.Handle(autotaskPrefix+"/", http.StripPrefix(autotaskPrefix, s.at))
}

// sourceFaults are the random faults of the n-th distributor or PSA fake:
// the Microsoft fake's settings, with a seed of its own (when one is given)
// so that the fakes do not all fail in step.
func sourceFaults(f msfake.Faults, n uint64) fakekit.RandomFaults {
	kinds := make([]fakekit.FaultKind, len(f.Kinds))
	for i, k := range f.Kinds {
		kinds[i] = fakekit.FaultKind(k)
	}
	seed := f.Seed
	if seed != 0 {
		seed += n
	}
	return fakekit.RandomFaults{Rate: f.Rate, Kinds: kinds, Seed: seed, Slow: f.Slow}
}

// SetFaults replaces the random faults of every fake this process serves
// (Microsoft, every distributor and every PSA) from now on; the zero value
// stops them. It does nothing to an External sandbox.
func (s *Sandbox) SetFaults(f msfake.Faults) {
	if s.fake == nil {
		return
	}
	s.fake.SetFaults(f)
	s.pax8.SetFaults(sourceFaults(f, 1))
	s.sherweb.SetFaults(sourceFaults(f, 2))
	s.ion.SetFaults(sourceFaults(f, 3))
	s.cw.SetFaults(sourceFaults(f, 4))
	s.halo.SetFaults(sourceFaults(f, 5))
	s.at.SetFaults(sourceFaults(f, 6))
}

// routeSource serves a distributor or PSA request; ok is false for any other
// path (the fake Microsoft's).
func (s *Sandbox) routeSource(w http.ResponseWriter, r *http.Request) bool {
	if s.sourceMux == nil || !slices.ContainsFunc(sourcePrefixes, func(p string) bool { return strings.HasPrefix(r.URL.Path, p+"/") }) {
		return false
	}
	s.sourceMux.ServeHTTP(w, r)
	return true
}

// SourceEndpoints returns where the sandbox serves its distributors and
// PSAs.
func (s *Sandbox) SourceEndpoints() SourceEndpoints {
	p8 := pax8fake.EndpointsFor(s.base + pax8Prefix)
	sw := sherwebfake.EndpointsFor(s.base + sherwebPrefix)
	ion := tdsynnexfake.EndpointsFor(s.base + tdsynnexPrefix)
	codebase := strings.TrimSuffix(s.sources.cw.Codebase, "/")
	return SourceEndpoints{Pax8URL: p8.BaseURL, Pax8TokenURL: p8.TokenURL,
		SherwebURL: sw.BaseURL, SherwebTokenURL: sw.TokenURL,
		TDSynnexURL: ion.BaseURL, TDSynnexTokenURL: ion.TokenURL,
		CSVPath:               filepath.Join(s.dir, csvFileName),
		ConnectWiseURL:        s.base + connectWisePrefix + "/" + codebase + "/apis/3.0",
		HaloURL:               halofake.EndpointsFor(s.base + haloPrefix).URL,
		AutotaskZoneLookupURL: atfake.EndpointsFor(s.base + autotaskPrefix).ZoneLookupURL}
}

// Credentials returns the sandbox's made-up distributor and PSA credentials.
func (s *Sandbox) Credentials() Credentials {
	sw := s.sources
	return Credentials{
		Pax8ClientID: sw.pax8.ClientID, Pax8ClientSecret: sw.pax8.ClientSecret,
		SherwebClientID: sw.sherweb.ClientID, SherwebClientSecret: sw.sherweb.ClientSecret, SherwebSubscriptionKey: sw.sherweb.SubscriptionKey,
		TDSynnexAccountID: sw.ion.AccountID, TDSynnexRefreshToken: s.ionRefreshToken(),
		ConnectWiseCompanyID: sw.cw.CompanyID, ConnectWisePublicKey: sw.cw.PublicKey,
		ConnectWisePrivateKey: sw.cw.PrivateKey, ConnectWiseClientID: sw.cw.ClientID,
		HaloClientID: sw.halo.ClientID, HaloClientSecret: sw.halo.ClientSecret, HaloTenant: sw.halo.Tenant,
		AutotaskUserName: sw.at.UserName, AutotaskSecret: sw.at.Secret, AutotaskIntegrationCode: sw.at.IntegrationCode,
	}
}

// keepWorld returns an OnChange that writes a PSA's world back to its
// file, so that a write the engineer applied is there on the next run.
func keepWorld[W any](s *Sandbox, name string) func(W) {
	path := filepath.Join(s.dir, name)
	return func(w W) {
		if err := saveJSON(path, &w); err != nil {
			s.logf("sandbox: %v", err)
		}
	}
}

// Pax8 and ConnectWise return the running fakes (nil when another process
// serves the sandbox), for tests that pull their levers.
func (s *Sandbox) Pax8() *pax8fake.Server      { return s.pax8 }
func (s *Sandbox) ConnectWise() *cwfake.Server { return s.cw }

func loadJSON[T any](path string) (*T, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("sandbox: %s is damaged (%v); run `seats sandbox reset` to start a new world", path, err)
	}
	return &v, nil
}

// saveJSON writes a world file atomically with mode 0600: it holds the
// sandbox's made-up secrets.
func saveJSON(path string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("sandbox: encode %s: %w", filepath.Base(path), err)
	}
	return writeFileAtomic(path, append(data, '\n'), 0o600)
}

// randomGUID is a random version-4 GUID.
func randomGUID() string {
	id := randomHex(32)
	return id[:8] + "-" + id[8:12] + "-4" + id[13:16] + "-8" + id[17:20] + "-" + id[20:32]
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("sandbox: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)[:n]
}

// ionRefreshToken is Ion's current refresh token: the running fake's, else
// the one in the world file (another process serves the sandbox).
func (s *Sandbox) ionRefreshToken() string {
	if s.ion != nil {
		return s.ion.World().RefreshToken
	}
	if w, err := loadJSON[tdsynnexfake.World](filepath.Join(s.dir, tdsynnexFileName)); err == nil {
		return w.RefreshToken
	}
	return s.sources.ion.RefreshToken
}
