package reconcile

import (
	"regexp"
	"strings"
	"sync"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/skus"
)

// termMarkers are the ways distributors and PSA catalogues write a term into
// a product name ("(Annual)", "- 1 Year", "(NCE)", "Monthly", "P1Y",
// "1 Year Commitment, Monthly Billing"). They are stripped before a name is
// compared with the SKU catalogue, whose names carry no term.
var termMarkers = []*regexp.Regexp{
	regexp.MustCompile(`\((?:[^()]*\b(?:annual|annually|monthly|yearly|year|years|month|months|nce|triennial|trial|commitment|p1m|p1y|p3y)\b[^()]*)\)`),
	regexp.MustCompile(`\b(?:1|one|3|three|12|36)[\s-]*(?:year|yr|month|mo)s?\b(?:\s+(?:commitment|commit|term|subscription|plan))?`),
	regexp.MustCompile(`\b(?:annual|annually|monthly|yearly|triennial)\b(?:\s+(?:commitment|commit|term|billing|billed|payment|paid|subscription|plan))?`),
	regexp.MustCompile(`\b(?:billed|paid|billing|payment)\s+(?:annually|monthly|yearly|upfront)\b`),
	regexp.MustCompile(`\b(?:nce|p1m|p1y|p3y|new commerce)\b`),
}

// productKey reduces a product name to what names the product: accents,
// case and punctuation folded, term markers dropped, and a leading
// "Microsoft" dropped (distributors write "Microsoft 365 E3" and "365 E3",
// PSA catalogues "M365 E3" and worse).
func productKey(name string) NormalizedName {
	s := strings.ToLower(foldAccents(name))
	for _, re := range termMarkers {
		s = re.ReplaceAllString(s, " ")
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&' || r == '+':
			b.WriteString(" and ")
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r >= 0x80:
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	tokens := strings.Fields(b.String())
	if len(tokens) > 1 && tokens[0] == "microsoft" {
		tokens = tokens[1:]
	}
	return NormalizedName{Key: strings.Join(tokens, " "), Tokens: tokens}
}

// termPatterns find the term a PSA item or distributor product names. The
// commitment comes before the billing: "1 Year Commitment, Monthly Billing"
// is annual.
var termPatterns = []struct {
	term connectors.Term
	re   *regexp.Regexp
}{
	{connectors.TermTriennial, regexp.MustCompile(`\b(?:triennial|p3y|(?:3|three)[\s-]*years?|36[\s-]*months?)\b`)},
	{connectors.TermAnnual, regexp.MustCompile(`\b(?:annual|annually|yearly|p1y|(?:1|one)[\s-]*years?|12[\s-]*months?)\b`)},
	{connectors.TermMonthly, regexp.MustCompile(`\b(?:monthly|p1m|(?:1|one)[\s-]*months?|month[\s-]*to[\s-]*month)\b`)},
}

// nameTerm is the term a product name states, or "" when it states none.
func nameTerm(name string) connectors.Term {
	s := strings.ToLower(name)
	for _, p := range termPatterns {
		if p.re.MatchString(s) {
			return p.term
		}
	}
	return ""
}

// catalogueByName maps the product key of every SKU catalogue name to the
// SKUs with that name, built once.
var catalogueByName = sync.OnceValue(func() map[string][]skus.Sku {
	m := map[string][]skus.Sku{}
	for _, s := range skus.All() {
		if s.Name == "" {
			continue
		}
		k := productKey(s.Name).Key
		m[k] = append(m[k], s)
	}
	return m
})

// skuDisplay is the catalogue name of a SKU, else its part number, else
// its id, with the part number the catalogue knows.
func skuDisplay(id, part string) (name, partNumber string) {
	if s, ok := skus.ByID(id); ok {
		if part == "" {
			part = s.PartNumber
		}
	}
	return skus.DisplayName(id, part), part
}
