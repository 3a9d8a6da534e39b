package connectwise_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/connectwise"
	"github.com/seats-msp/seats/connectors/connectwise/cwfake"
)

// seen is a request as the fake received it.
type seen struct {
	method, path string
	query        url.Values
	header       http.Header
	body         string
}

// recorder wraps the fake and keeps every request.
type recorder struct {
	mu   sync.Mutex
	reqs []seen
}

func (rec *recorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, seen{r.Method, r.URL.Path, r.URL.Query(), r.Header.Clone(), string(body)})
		rec.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (rec *recorder) all() []seen {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]seen(nil), rec.reqs...)
}

func TestRegistered(t *testing.T) {
	t.Parallel()
	info, ok := connectors.Default.Lookup("connectwise")
	if !ok || info.DisplayName != "ConnectWise PSA" || info.Kind != connectors.KindPSA || info.Description == "" {
		t.Errorf("registry entry %+v, %v", info, ok)
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	good := connectwise.Config{URL: "https://api-na.myconnectwise.net/v4_6_release/apis/3.0", CompanyID: "acme", PublicKey: "pub",
		PrivateKey: "the-private-key", ClientID: testClientID}
	tests := []struct {
		name  string
		mod   func(*connectwise.Config)
		words string
	}{
		{"no company", func(c *connectwise.Config) { c.CompanyID = " " }, "psa.connectwise.company_id"},
		{"no public key", func(c *connectwise.Config) { c.PublicKey = "" }, "psa.connectwise.public_key"},
		{"no private key", func(c *connectwise.Config) { c.PrivateKey = "" }, "SEATS_PSA_CONNECTWISE_PRIVATE_KEY"},
		{"no clientId", func(c *connectwise.Config) { c.ClientID = "" }, "psa.connectwise.client_id"},
		{"neither URL nor site", func(c *connectwise.Config) { c.URL = "" }, "psa.connectwise.site"},
		{"http", func(c *connectwise.Config) { c.URL = "http://api-na.myconnectwise.net/v4_6_release/apis/3.0" }, "https"},
		{"site as URL", func(c *connectwise.Config) { c.URL = "https://na.myconnectwise.net" }, "codebase"},
		{"site with a path", func(c *connectwise.Config) { c.URL, c.Site = "", "na.myconnectwise.net/v4_6_release" }, "psa.connectwise.site"},
		{"plus in the company", func(c *connectwise.Config) { c.CompanyID = "acme+pub" }, "+"},
		{"unknown currency", func(c *connectwise.Config) { c.Currency = "DOLLARS" }, "ISO 4217"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := good
			tt.mod(&cfg)
			_, err := connectwise.New(cfg)
			if err == nil {
				t.Fatal("New accepted it")
			}
			if !strings.Contains(err.Error(), tt.words) || strings.Contains(err.Error(), "the-private-key") {
				t.Errorf("error %q does not name %q (or repeats the key)", err, tt.words)
			}
		})
	}
	if _, err := connectwise.New(good); err != nil {
		t.Errorf("New(good): %v", err)
	}
}

func TestRequestHeaders(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	f := newWrappedFake(t, cwfake.SmallWorld(testNow), cwfake.Options{}, rec.wrap)
	c := f.client(t, func(cfg *connectwise.Config) { cfg.URL, cfg.Site = "", f.ep.Site })
	if _, err := c.Catalog(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	if len(reqs) != 2 || !strings.HasPrefix(reqs[0].path, "/login/companyinfo/") {
		t.Fatalf("requests %v: want the codebase lookup, then the catalogue", reqs)
	}
	if h := reqs[0].header; h.Get("Authorization") != "" || h.Get("clientId") != "" {
		t.Errorf("the codebase lookup, which needs no credentials, carried them: %v", h)
	}
	h := reqs[1].header
	raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(h.Get("Authorization"), "Basic "))
	if string(raw) != f.world.CompanyID+"+"+f.world.PublicKey+":"+f.world.PrivateKey {
		t.Errorf("Basic credentials %q", raw)
	}
	if h.Get("clientId") != testClientID {
		t.Errorf("clientId header %q", h.Get("clientId"))
	}
	if a := h.Get("Accept"); a != "application/vnd.connectwise.com+json; version="+connectwise.SchemaVersion {
		t.Errorf("Accept %q does not pin the schema version", a)
	}
	if q := reqs[1].query; q.Get("pageSize") != "1000" || q.Get("page") != "1" || q.Get("orderBy") != "id asc" {
		t.Errorf("catalogue query %v", q)
	}
}

func TestCodebaseLookedUpOnce(t *testing.T) {
	t.Parallel()
	f := newFake(t, cwfake.SmallWorld(testNow), cwfake.Options{PageSize: 2})
	c := f.client(t, func(cfg *connectwise.Config) { cfg.URL, cfg.Site = "", "https://"+f.ep.Site+"/" })
	// The first read fails with the lookup (every try answered 503)...
	f.cw.FailNext(cwfake.CallCompanyInfo, 503, "", 4)
	_, err := c.Companies(testCtx(t))
	if connectors.KindOf(err) != connectors.ErrUnavailable || !strings.Contains(err.Error(), "look up the codebase") {
		t.Fatalf("Companies while companyinfo fails: %v", err)
	}
	// ...which is not remembered: the next read looks up again and works,
	// and every later one uses the codebase it found.
	for _, read := range []func(context.Context) error{
		func(ctx context.Context) error { _, err := c.Companies(ctx); return err },
		func(ctx context.Context) error { _, err := c.Lines(ctx); return err },
		func(ctx context.Context) error { _, err := c.Catalog(ctx); return err },
	} {
		if err := read(testCtx(t)); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.cw.Served(cwfake.CallCompanyInfo); n != 5 {
		t.Errorf("companyinfo asked %d times, want 4 failed tries and 1 lookup", n)
	}
}

func TestCodebaseLookupFailures(t *testing.T) {
	t.Parallel()
	f := newFake(t, cwfake.SmallWorld(testNow), cwfake.Options{})
	tests := []struct {
		name  string
		mod   func(*connectwise.Config)
		fault func()
		kind  connectors.Kind
		words []string
	}{
		{"unknown company", func(c *connectwise.Config) { c.CompanyID = "nobody" }, nil, connectors.ErrNotFound,
			[]string{`"nobody"`, "psa.connectwise.site", "psa.connectwise.company_id"}},
		{"no codebase in the answer", nil, func() { f.cw.FailNext(cwfake.CallCompanyInfo, 200, `{"Codebase":null}`, 1) }, connectors.ErrBadResponse,
			[]string{"no codebase", "psa.connectwise.url"}},
		{"a web page", nil, func() { f.cw.FailNext(cwfake.CallCompanyInfo, 200, `<html>login</html>`, 100) }, connectors.ErrBadResponse,
			[]string{"does not know", "psa.connectwise.site"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mods := []func(*connectwise.Config){func(c *connectwise.Config) { c.URL, c.Site = "", f.ep.Site }}
			if tt.mod != nil {
				mods = append(mods, tt.mod)
			}
			c := f.client(t, mods...)
			if tt.fault != nil {
				tt.fault()
			}
			_, err := c.Check(testCtx(t))
			if connectors.KindOf(err) != tt.kind {
				t.Fatalf("Check: %v, want kind %q", err, tt.kind)
			}
			for _, w := range tt.words {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	f := newFake(t, cwfake.SmallWorld(testNow), cwfake.Options{PageSize: 2})
	got, err := f.client(t).Check(testCtx(t))
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	lines := expectedLines(f.world, testNow)
	agreements := map[string]bool{}
	for _, l := range lines {
		agreements[l.AgreementID] = true
	}
	want := connectors.PSACheck{DisplayName: "ConnectWise", Companies: len(expectedCompanies(f.world)), Agreements: len(agreements), Lines: len(lines),
		AgreementsNoun: "agreements", LinesNoun: "additions"}
	if got != want {
		t.Errorf("Check = %+v, want %+v", got, want)
	}
	if s := got.String(); s != "ConnectWise: 6 companies, 5 agreements, 13 additions" {
		t.Errorf("Check says %q", s)
	}
}

// dnsFailure is a transport whose every dial fails as an unknown host does.
type dnsFailure struct{}

func (dnsFailure) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, &url.Error{Op: r.Method, URL: r.URL.String(), Err: &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: r.URL.Hostname(), IsNotFound: true}}}
}

func TestCheckSaysWhatToFix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		mod   func(f *fake, c *connectwise.Config)
		fault func(f *fake)
		kind  connectors.Kind
		words []string
	}{
		{"keys refused", nil, func(f *fake) { f.cw.RevokeKeys() }, connectors.ErrUnauthorized,
			[]string{"API key pair", `"seatsdemo"`, "psa.connectwise.public_key"}},
		{"wrong private key", func(_ *fake, c *connectwise.Config) { c.PrivateKey = "not-the-key" }, nil, connectors.ErrUnauthorized,
			[]string{"API key pair"}},
		{"clientId refused", nil, func(f *fake) {
			f.cw.FailNext(cwfake.CallSystemInfo, 400, `{"code":"InvalidRequest","message":"A clientId header is required","errors":null}`, 1)
		}, connectors.ErrUnauthorized, []string{"clientId", "developer.connectwise.com", "psa.connectwise.client_id"}},
		{"role without finance", nil, func(f *fake) { f.cw.FailNext(cwfake.CallAgreements, 403, "", 1) }, connectors.ErrForbidden,
			[]string{"security role", "Finance > Agreements", "You do not have security permission"}},
		{"role without companies", nil, func(f *fake) { f.cw.FailNext(cwfake.CallCompanyCount, 403, "", 1) }, connectors.ErrForbidden,
			[]string{"Company Maintenance"}},
		{"wrong codebase", func(f *fake, c *connectwise.Config) { c.URL = strings.Replace(f.ep.URL, "v2025_1", "v2019_3", 1) }, nil, connectors.ErrNotFound,
			[]string{"no ConnectWise API at", "psa.connectwise.url", "codebase"}},
		{"not ConnectWise", nil, func(f *fake) { f.cw.FailNext(cwfake.CallSystemInfo, 200, `{"hello":"world"}`, 1) }, connectors.ErrBadResponse,
			[]string{"not ConnectWise's"}},
		{"unknown host", func(_ *fake, c *connectwise.Config) {
			c.URL = "https://api-xx.myconnectwise.net/v4_6_release/apis/3.0"
			c.HTTPClient = &http.Client{Transport: dnsFailure{}}
		}, nil, connectors.ErrUnavailable, []string{"cannot find the host api-xx.myconnectwise.net"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, cwfake.SmallWorld(testNow), cwfake.Options{})
			c := f.client(t, func(cfg *connectwise.Config) {
				if tt.mod != nil {
					tt.mod(f, cfg)
				}
			})
			if tt.fault != nil {
				tt.fault(f)
			}
			_, err := c.Check(testCtx(t))
			if connectors.KindOf(err) != tt.kind {
				t.Fatalf("Check: %v, want kind %q", err, tt.kind)
			}
			for _, w := range tt.words {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), f.world.PrivateKey) {
				t.Errorf("error repeats the private key: %v", err)
			}
		})
	}
}

func TestSecretsStayOutOfLogsAndErrors(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&buf, &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := newFake(t, cwfake.SmallWorld(testNow), cwfake.Options{PageSize: 2})
	c := f.client(t, func(cfg *connectwise.Config) { cfg.Logger = logger })
	ctx := testCtx(t)
	var errs []error
	_, err := c.Check(ctx)
	errs = append(errs, err)
	lines, err := c.Lines(ctx)
	errs = append(errs, err)
	for _, l := range lines {
		if l.LineID == "7002" {
			_, err = c.SetQuantity(ctx, connectors.QuantityChange{Line: l, NewQuantity: 6})
			errs = append(errs, err)
			f.cw.RefuseWrite(1, "no")
			_, err = c.SetQuantity(ctx, connectors.QuantityChange{Line: l, NewQuantity: 7})
			errs = append(errs, err)
		}
	}
	f.cw.RevokeKeys()
	_, err = c.Companies(ctx)
	errs = append(errs, err)

	mu.Lock()
	log := buf.String()
	mu.Unlock()
	basic := base64.StdEncoding.EncodeToString([]byte(f.world.CompanyID + "+" + f.world.PublicKey + ":" + f.world.PrivateKey))
	if !strings.Contains(log, "Authorization: REDACTED") {
		t.Errorf("the debug log shows no redacted Authorization header; is it logging at all?\n%.2000s", log)
	}
	for _, secret := range []string{f.world.PrivateKey, basic} {
		if strings.Contains(log, secret) {
			t.Errorf("the debug log holds a secret")
		}
		for _, err := range errs {
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Errorf("an error holds a secret: %v", err)
			}
		}
	}
	if errs[len(errs)-1] == nil {
		t.Errorf("Companies with revoked keys succeeded")
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// manyCompanies is SmallWorld with n more companies, so that lists run to
// many pages.
func manyCompanies(n int) *cwfake.World {
	w := cwfake.SmallWorld(testNow)
	for i := range n {
		w.Companies = append(w.Companies, cwfake.Company{ID: 1000 + i, Identifier: "Extra" + string(rune('A'+i%26)), Name: "Extra company", StatusID: 1, TypeIDs: []int{1}})
	}
	return w
}

// bendLinks rewrites the Link header the fake sends.
func bendLinks(bend func(string) string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(&linkBender{ResponseWriter: w, bend: bend}, r)
		})
	}
}

type linkBender struct {
	http.ResponseWriter
	bend func(string) string
	done bool
}

func (b *linkBender) WriteHeader(status int) {
	if !b.done {
		b.done = true
		if l := b.Header().Get("Link"); l != "" {
			b.Header().Set("Link", b.bend(l))
		}
	}
	b.ResponseWriter.WriteHeader(status)
}

func (b *linkBender) Write(p []byte) (int, error) {
	if !b.done {
		b.WriteHeader(http.StatusOK)
	}
	return b.ResponseWriter.Write(p)
}

func TestPagingFollowsNextWithoutLast(t *testing.T) {
	t.Parallel()
	dropLast := func(l string) string {
		var keep []string
		for _, p := range strings.Split(l, ", ") {
			if !strings.Contains(p, `rel="last"`) {
				keep = append(keep, p)
			}
		}
		return strings.Join(keep, ", ")
	}
	f := newWrappedFake(t, manyCompanies(15), cwfake.Options{PageSize: 2}, bendLinks(dropLast))
	got, err := f.client(t).Companies(testCtx(t))
	if err != nil || len(got) != len(expectedCompanies(f.world)) {
		t.Fatalf("Companies: %d, %v; want %d", len(got), err, len(expectedCompanies(f.world)))
	}
	if n := f.cw.Served(cwfake.CallCompanies); n != 11 {
		t.Errorf("%d pages read, want 11", n)
	}
}

func TestPagingStaysOnTheConfiguredHost(t *testing.T) {
	t.Parallel()
	elsewhere := func(l string) string {
		return strings.ReplaceAll(l, "https://127.0.0.1", "https://collector.invalid")
	}
	f := newWrappedFake(t, manyCompanies(15), cwfake.Options{PageSize: 2}, bendLinks(elsewhere))
	got, err := f.client(t).Companies(testCtx(t))
	if err != nil || len(got) != len(expectedCompanies(f.world)) {
		t.Fatalf("Companies with links to another host: %d, %v; want every company read from the configured host", len(got), err)
	}
}

func TestPagingRefusesLinksBackwards(t *testing.T) {
	t.Parallel()
	backwards := func(l string) string {
		return strings.Replace(strings.Replace(l, "page=3", "page=1", -1), `rel="last"`, `rel="other"`, -1)
	}
	f := newWrappedFake(t, manyCompanies(15), cwfake.Options{PageSize: 2}, bendLinks(backwards))
	_, err := f.client(t).Companies(testCtx(t))
	if connectors.KindOf(err) != connectors.ErrBadResponse {
		t.Fatalf("a next link back to page 1: %v, want ErrBadResponse (and no endless loop)", err)
	}
}

func TestListThatGrowsIsReadToItsEnd(t *testing.T) {
	t.Parallel()
	var once sync.Once
	var f *fake
	grow := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r)
			if strings.HasSuffix(r.URL.Path, "/company/companies") && r.URL.Query().Get("page") == "1" {
				once.Do(func() {
					f.cw.Mutate(func(w *cwfake.World) {
						for i := range 5 {
							w.Companies = append(w.Companies, cwfake.Company{ID: 5000 + i, Identifier: "Late", Name: "Added during the read", StatusID: 1})
						}
					})
				})
			}
		})
	}
	f = newWrappedFake(t, manyCompanies(3), cwfake.Options{PageSize: 2}, grow)
	got, err := f.client(t).Companies(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if want := len(expectedCompanies(f.cw.World())); len(got) != want {
		t.Errorf("%d companies read, want %d: the list grew while it was read", len(got), want)
	}
}

func TestConditionsAskOnlyForWhatMatters(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	f := newWrappedFake(t, cwfake.SmallWorld(testNow), cwfake.Options{}, rec.wrap)
	c := f.client(t, func(cfg *connectwise.Config) { cfg.KeepEndedFor = 90 * 24 * time.Hour })
	lines, err := c.Lines(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	const cut = "2025-12-14T00:00:00Z" // 90 days before testNow, at midnight
	var agreements, additions int
	for _, r := range rec.all() {
		cond := r.query.Get("conditions")
		switch {
		case strings.HasSuffix(r.path, "/finance/agreements"):
			agreements++
			if !strings.Contains(cond, "cancelledFlag=false") || !strings.Contains(cond, "["+cut+"]") {
				t.Errorf("agreements asked with conditions %q", cond)
			}
		case strings.HasSuffix(r.path, "/additions"):
			additions++
			if cond != "cancelledDate=null or cancelledDate>=["+cut+"]" {
				t.Errorf("additions asked with conditions %q", cond)
			}
		}
	}
	// With 90 days, Northwind's agreement (cancelled 60 days ago) is read;
	// Adatum's (ended 30 days ago) too; the one cancelled long ago is not.
	if agreements != 1 || additions != 5 {
		t.Errorf("%d agreement pages and %d addition lists read, want 1 and 5", agreements, additions)
	}
	for _, l := range lines {
		if l.LineID == "7012" || l.LineID == "7013" {
			t.Errorf("line %s ended long ago and was read", l.LineID)
		}
	}
}

func TestAgreementCurrency(t *testing.T) {
	t.Parallel()
	w := cwfake.SmallWorld(testNow)
	for i := range w.Agreements {
		if w.Agreements[i].ID == 3003 {
			w.Agreements[i].Currency = "EUR"
		}
	}
	f := newFake(t, w, cwfake.Options{})
	lines, err := f.client(t, func(c *connectwise.Config) { c.Currency = "GBP" }).Lines(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		want := "USD" // the world's currency, served on every agreement
		if l.AgreementID == "3003" {
			want = "EUR"
		}
		if l.UnitPrice.Known() && l.UnitPrice.Currency != want {
			t.Errorf("line %s priced in %s, want %s", l.LineID, l.UnitPrice.Currency, want)
		}
	}
	items, err := f.client(t, func(c *connectwise.Config) { c.Currency = "GBP" }).Catalog(testCtx(t))
	if err != nil || len(items) == 0 || items[0].Price.Currency != "GBP" {
		t.Errorf("catalogue prices in %v (%v), want the configured GBP", items, err)
	}
}

func TestGeneratedWorldReads(t *testing.T) {
	t.Parallel()
	in := cwfake.GenerateInput{}
	for i, name := range []string{"Contoso Ltd", "Fabrikam Inc", "Northwind Traders", "Adventure Works", "Coho Winery", "Tailwind & Co", "Litware LLC", "Proseware"} {
		c := cwfake.GenerateCustomer{TenantID: "00000000-0000-4000-8000-00000000000" + string(rune('1'+i)), Name: name, Domain: strings.ToLower(strings.Fields(name)[0]) + ".example"}
		c.Products = append(c.Products, cwfake.GenerateProduct{SkuPartNumber: "SPB", Name: "Microsoft 365 Business Premium", Term: connectors.TermMonthly,
			Quantity: 5 + i, UnitPrice: connectors.Money{Minor: 2640, Currency: "USD"}})
		if i%2 == 0 {
			c.Products = append(c.Products, cwfake.GenerateProduct{SkuPartNumber: "SPB", Name: "Microsoft 365 Business Premium", Term: connectors.TermAnnual,
				Quantity: 3, UnitPrice: connectors.Money{Minor: 2200, Currency: "USD"}})
		}
		in.Customers = append(in.Customers, c)
	}
	w := cwfake.Generate(in, 99, testNow)
	f := newFake(t, &w, cwfake.Options{PageSize: 3})
	c := f.client(t)
	ctx := testCtx(t)
	companies, err := c.Companies(ctx)
	if err != nil || len(companies) != len(expectedCompanies(f.world)) {
		t.Fatalf("Companies: %d, %v; want %d", len(companies), err, len(expectedCompanies(f.world)))
	}
	items, err := c.Catalog(ctx)
	if err != nil || len(items) != len(f.world.Catalog) {
		t.Fatalf("Catalog: %d, %v", len(items), err)
	}
	lines, err := c.Lines(ctx)
	want := expectedLines(f.world, testNow)
	if err != nil || len(lines) != len(want) {
		t.Fatalf("Lines: %d, %v; want %d", len(lines), err, len(want))
	}
	for i := range want {
		if lines[i].LineID != want[i].LineID || lines[i].Quantity != want[i].Quantity || lines[i].AgreementState != want[i].AgreementState ||
			lines[i].Billed != want[i].Billed || lines[i].UnitPrice != want[i].UnitPrice {
			t.Errorf("line %d: got %+v\nwant %+v", i, lines[i], want[i])
		}
	}
}

func TestWriteSendsOneJSONPatch(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	f := newWrappedFake(t, cwfake.SmallWorld(testNow), cwfake.Options{}, rec.wrap)
	c := f.client(t)
	line, err := c.Line(testCtx(t), connectors.LineRef{AgreementID: "3001", LineID: "7002"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Timing() != connectors.ApplyAtOnce {
		t.Errorf("Timing %q", c.Timing())
	}
	res, err := c.SetQuantity(testCtx(t), connectors.QuantityChange{Line: line, NewQuantity: 12})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Undoable || res.Timing != connectors.ApplyAtOnce || res.Line.Quantity != 12 || res.Line.AgreementState != connectors.AgreementActive ||
		res.Line.CompanyID != "250" {
		t.Errorf("result %+v", res)
	}
	var patches []seen
	for _, r := range rec.all() {
		if r.method == http.MethodPatch {
			patches = append(patches, r)
		}
	}
	if len(patches) != 1 || patches[0].body != `[{"op":"replace","path":"/quantity","value":12}]` ||
		patches[0].path != "/v2025_1/apis/3.0/finance/agreements/3001/additions/7002" ||
		!strings.HasPrefix(patches[0].header.Get("Content-Type"), "application/json") {
		t.Errorf("patches sent: %+v", patches)
	}
}

func TestWriteRefusedWithoutRequest(t *testing.T) {
	t.Parallel()
	f := newFake(t, cwfake.SmallWorld(testNow), cwfake.Options{})
	c := f.client(t)
	frac, err := c.Line(testCtx(t), connectors.LineRef{AgreementID: "3003", LineID: "7008"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SetQuantity(testCtx(t), connectors.QuantityChange{Line: frac, NewQuantity: 3})
	if connectors.KindOf(err) != connectors.ErrBadRequest || !strings.Contains(err.Error(), "whole number") {
		t.Errorf("a write to a fractional line: %v", err)
	}
	for _, ref := range []connectors.LineRef{{AgreementID: "x", LineID: "7002"}, {AgreementID: "3001", LineID: ""}} {
		if _, err := c.Line(testCtx(t), ref); connectors.KindOf(err) != connectors.ErrBadRequest {
			t.Errorf("Line(%+v): %v", ref, err)
		}
	}
	if f.cw.Writes() != 0 {
		t.Errorf("%d writes sent", f.cw.Writes())
	}
}

func TestWriteForbidden(t *testing.T) {
	t.Parallel()
	f := newFake(t, cwfake.SmallWorld(testNow), cwfake.Options{})
	c := f.client(t)
	line, err := c.Line(testCtx(t), connectors.LineRef{AgreementID: "3001", LineID: "7002"})
	if err != nil {
		t.Fatal(err)
	}
	f.cw.FailNext(cwfake.CallWrite, 403, "", 1)
	_, err = c.SetQuantity(testCtx(t), connectors.QuantityChange{Line: line, NewQuantity: 9})
	if connectors.KindOf(err) != connectors.ErrForbidden || !strings.Contains(err.Error(), "Finance > Agreements edit") || !strings.Contains(err.Error(), "not changed") {
		t.Errorf("a write the role may not make: %v", err)
	}
	if f.cw.Writes() != 1 || f.cw.Applied() != 0 {
		t.Errorf("writes %d applied %d", f.cw.Writes(), f.cw.Applied())
	}
}

// TestWriteTimeoutResolvedByReread: the PATCH is applied but its answer
// comes after the caller's deadline; the client learns from a re-read, with
// a context of its own, that the change is in.
func TestWriteTimeoutResolvedByReread(t *testing.T) {
	t.Parallel()
	slowAnswer := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPatch {
				next.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(discard{}, r) // applied...
			<-r.Context().Done()         // ...and answered never
		})
	}
	f := newWrappedFake(t, cwfake.SmallWorld(testNow), cwfake.Options{}, slowAnswer)
	c := f.client(t)
	line, err := c.Line(testCtx(t), connectors.LineRef{AgreementID: "3001", LineID: "7002"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(testCtx(t), 300*time.Millisecond)
	defer cancel()
	res, err := c.SetQuantity(ctx, connectors.QuantityChange{Line: line, NewQuantity: 15})
	if err != nil || res.Line.Quantity != 15 {
		t.Fatalf("a write applied but answered after the deadline: %+v, %v", res.Line, err)
	}
	if f.cw.Writes() != 1 {
		t.Errorf("%d writes sent, want 1", f.cw.Writes())
	}
}

type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) WriteHeader(int)             {}

func TestCallsCountEveryRequest(t *testing.T) {
	t.Parallel()
	f := newFake(t, cwfake.SmallWorld(testNow), cwfake.Options{PageSize: 2})
	c := f.client(t)
	f.cw.FailNext(cwfake.CallCatalog, 503, "", 1)
	if _, err := c.Catalog(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if got, want := c.Calls(), int(f.cw.Calls()); got != want {
		t.Errorf("Calls() = %d, the fake served %d", got, want)
	}
	var ce *connectors.Error
	_, err := f.client(t, func(cfg *connectwise.Config) { cfg.PrivateKey = "wrong" }).Catalog(testCtx(t))
	if !errors.As(err, &ce) || ce.Service != "connectwise" || ce.Status != 401 {
		t.Errorf("error %#v", err)
	}
}

// TestOlderInstances: an instance that serves neither company statuses nor
// types (404), and writes a company's single "type" as older schemas did,
// still has its companies read, judged by the names it gives.
func TestOlderInstances(t *testing.T) {
	t.Parallel()
	f := newFake(t, cwfake.SmallWorld(testNow), cwfake.Options{})
	c := f.client(t)
	f.cw.FailNext(cwfake.CallStatuses, 404, "", 1)
	f.cw.FailNext(cwfake.CallTypes, 404, "", 1)
	got, err := c.Companies(testCtx(t))
	if err != nil {
		t.Fatalf("Companies without statuses and types: %v", err)
	}
	want := expectedCompanies(f.world)
	if len(got) != len(want) {
		t.Fatalf("%d companies, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Active != want[i].Active || got[i].Type != want[i].Type {
			t.Errorf("company %s: active %v type %q; want %v %q", got[i].ID, got[i].Active, got[i].Type, want[i].Active, want[i].Type)
		}
	}

	f.cw.FailNext(cwfake.CallCompanies, 200, `[{"id":1,"name":"Old Style","type":{"id":1,"name":"Client"},"status":{"id":2,"name":"Inactive"}},`+
		`{"id":2,"name":"Older Style","isVendorFlag":true}]`, 1)
	got, err = c.Companies(testCtx(t))
	if err != nil || len(got) != 2 {
		t.Fatalf("Companies of the older shape: %v, %v", got, err)
	}
	if got[0].Type != connectors.CompanyClient || got[0].RawType != "Client" || got[0].Active {
		t.Errorf("a single type, inactive status: %+v", got[0])
	}
	if got[1].Type != connectors.CompanyVendor || !got[1].Active {
		t.Errorf("a vendor by its flag alone: %+v", got[1])
	}
}
