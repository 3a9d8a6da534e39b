package reconcile

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// foldAccents removes combining marks after canonical decomposition, so
// "Müller" and "Muller" compare equal; NFKD also folds compatibility forms
// (full-width letters, ligatures such as "ﬁ"). A chain keeps state, so each
// call builds its own; plain ASCII, most names, skips it.
func foldAccents(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	// Broken bytes from an API or a file would stop the transformer and
	// leave the accents in; they separate words instead.
	s = strings.ToValidUTF8(s, " ")
	t := transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}

// letterFold covers letters that have no decomposition, so stripping marks
// alone leaves them apart from their plain spelling.
var letterFold = strings.NewReplacer(
	"ß", "ss", "æ", "ae", "œ", "oe", "ø", "o", "ł", "l", "đ", "d", "ð", "d", "þ", "th", "ı", "i",
)

// legalSuffixes are company-form words that say nothing about who a
// customer is; they are dropped from the end of a name ("Contoso Pty Ltd",
// "Fabrikam GmbH & Co. KG"). Dotted forms lose their dots first, so "S.A."
// arrives here as "sa" and "B.V." as "bv".
var legalSuffixes = map[string]string{
	"inc": "Inc", "incorporated": "Incorporated", "llc": "LLC", "ltd": "Ltd", "limited": "Limited",
	"gmbh": "GmbH", "mbh": "mbH", "co": "Co", "company": "Company", "corp": "Corp",
	"corporation": "Corporation", "plc": "plc", "sa": "S.A.", "sas": "SAS", "sarl": "SARL",
	"ag": "AG", "bv": "BV", "nv": "NV", "pty": "Pty", "srl": "SRL", "spa": "S.p.A.",
	"kg": "KG", "ab": "AB", "oy": "Oy", "as": "AS", "aps": "ApS", "llp": "LLP", "lp": "LP",
	"pllc": "PLLC", "pc": "PC", "kft": "Kft", "sro": "s.r.o.", "ug": "UG", "ek": "e.K.", "sl": "S.L.",
	"pte": "Pte", "sdn": "Sdn", "bhd": "Bhd", "kk": "K.K.",
}

// dottedAbbrev finds single letters joined by dots ("S.A.", "B.V.",
// "s.r.o."), whose dots are dropped rather than turned into spaces.
var dottedAbbrev = regexp.MustCompile(`\b(\pL\.){1,3}\pL?\.?`)

// NormalizedName is a company name reduced to what identifies it.
type NormalizedName struct {
	Key      string   // tokens joined by single spaces: the comparison key
	Tokens   []string // the tokens of Key
	Stripped []string // legal suffixes removed, as people spell them ("Inc")
}

// NormalizeName reduces a company name for comparison: case, accents and
// compatibility forms folded, "&" read as "and", apostrophes and the dots of
// abbreviations dropped, other punctuation read as a space, and legal
// suffixes removed from the end. A name made only of suffixes ("Company")
// keeps them, so it never becomes empty.
func NormalizeName(name string) NormalizedName {
	s := letterFold.Replace(strings.ToLower(foldAccents(name)))
	s = dottedAbbrev.ReplaceAllStringFunc(s, func(m string) string { return strings.ReplaceAll(m, ".", "") })
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&' || r == '+':
			b.WriteString(" and ")
		case r == '\'' || r == '’' || r == '`':
			// O'Brien and OBrien are one name.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	tokens := strings.Fields(b.String())
	var stripped []string
	end := len(tokens)
	for end > 0 {
		t := tokens[end-1]
		if label, ok := legalSuffixes[t]; ok {
			stripped = append(stripped, label)
			end--
			continue
		}
		// "GmbH & Co. KG": the "and" between two suffixes goes with them.
		if t == "and" && end > 1 && len(stripped) > 0 {
			if _, ok := legalSuffixes[tokens[end-2]]; ok {
				end--
				continue
			}
		}
		break
	}
	if end == 0 {
		end, stripped = len(tokens), nil
	}
	for i, j := 0, len(stripped)-1; i < j; i, j = i+1, j-1 {
		stripped[i], stripped[j] = stripped[j], stripped[i]
	}
	tokens = tokens[:end]
	return NormalizedName{Key: strings.Join(tokens, " "), Tokens: tokens, Stripped: stripped}
}

// normalizeDomain reduces a website or domain to the bare host:
// "https://www.Contoso.com/about" is "contoso.com".
func normalizeDomain(d string) string {
	d = strings.ToLower(strings.TrimSpace(d))
	if i := strings.Index(d, "://"); i >= 0 {
		d = d[i+3:]
	}
	if i := strings.IndexAny(d, "/?#"); i >= 0 {
		d = d[:i]
	}
	if i := strings.LastIndexByte(d, '@'); i >= 0 { // an email address: its domain
		d = d[i+1:]
	}
	if i := strings.LastIndexByte(d, ':'); i >= 0 {
		d = d[:i]
	}
	d = strings.TrimSuffix(d, ".")
	d = strings.TrimPrefix(d, "www.")
	return d
}

// guidPattern is a GUID in its usual 8-4-4-4-12 form.
var guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func isGUID(s string) bool { return guidPattern.MatchString(strings.TrimSpace(s)) }

// shortID is an id cut for a reason line: "7c1e…".
func shortID(id string) string {
	if len(id) <= 8 {
		return id
	}
	return id[:4] + "…"
}
