package reconcile

import (
	"slices"
	"strings"
)

// nameIndex finds names similar to a query without comparing the query to
// every name: an inverted index from each trigram of the normalised names
// to the names holding it. A query touches only the names that share a
// trigram with it, so 5,000 customers against 5,000 accounts stays well
// under a second where the pairwise pass would make 25 million comparisons.
type nameIndex struct {
	names    []NormalizedName
	grams    [][]string // trigram set of each name
	postings map[string][]int32
	// common is the posting length past which a trigram is too frequent to
	// say anything ("ion", " co"): such trigrams are not used to find
	// candidates, only to score them.
	common int
	// counts and touched are scratch space for similar, reused between
	// queries: a dense counter beats a map by a wide margin here. An index
	// therefore serves one goroutine at a time.
	counts  []uint16
	touched []int32
}

// similarity is one candidate for a query with its score (0-100).
type similarity struct {
	index int
	score int
}

// minSuggestScore is the lowest score shown as a suggestion: below it two
// names share letters, not a customer.
const minSuggestScore = 50

func newNameIndex(names []NormalizedName) *nameIndex {
	ix := &nameIndex{names: names, grams: make([][]string, len(names)), postings: map[string][]int32{}}
	for i, n := range names {
		g := trigrams(n.Key)
		ix.grams[i] = g
		for _, t := range g {
			ix.postings[t] = append(ix.postings[t], int32(i))
		}
	}
	ix.common = max(64, len(names)/20)
	ix.counts = make([]uint16, len(names))
	return ix
}

// trigrams returns the distinct trigrams of each token padded with spaces,
// sorted, so that two sets compare by a merge.
func trigrams(key string) []string {
	var out []string
	for _, tok := range strings.Fields(key) {
		p := "  " + tok + " "
		r := []rune(p)
		for i := 0; i+3 <= len(r); i++ {
			out = append(out, string(r[i:i+3]))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// similar returns the names scoring at least minSuggestScore against q,
// best first, at most limit of them. Candidates are counted by the rare
// trigrams they share with q in one pass over the postings; only the few
// that share the most are scored in full.
func (ix *nameIndex) similar(q NormalizedName, limit int) []similarity {
	qg := trigrams(q.Key)
	if len(qg) == 0 {
		return nil
	}
	ix.touched = ix.touched[:0]
	best := uint16(0)
	for _, g := range qg {
		post := ix.postings[g]
		if len(post) > ix.common {
			continue
		}
		for _, i := range post {
			if ix.counts[i] == 0 {
				ix.touched = append(ix.touched, i)
			}
			ix.counts[i]++
			best = max(best, ix.counts[i])
		}
	}
	type counted struct {
		index int32
		n     uint16
	}
	// Names sharing fewer than half the best count of trigrams cannot
	// beat the best by spelling; they are not worth a sort.
	var top []counted
	for _, i := range ix.touched {
		if n := ix.counts[i]; 2*n >= best {
			top = append(top, counted{i, n})
		}
		ix.counts[i] = 0
	}
	slices.SortFunc(top, func(a, b counted) int {
		if a.n != b.n {
			return int(b.n) - int(a.n)
		}
		return int(a.index - b.index)
	})
	if len(top) > scoredCandidates {
		top = top[:scoredCandidates]
	}
	var out []similarity
	for _, c := range top {
		s := nameScore(q, qg, ix.names[c.index], ix.grams[c.index])
		if s >= minSuggestScore {
			out = append(out, similarity{index: int(c.index), score: s})
		}
	}
	slices.SortFunc(out, func(a, b similarity) int {
		if a.score != b.score {
			return b.score - a.score
		}
		return a.index - b.index
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// scoredCandidates is how many of the names sharing the most trigrams with
// a query are scored in full; the best match is always among them, since
// the score grows with shared trigrams for names of similar length.
const scoredCandidates = 32

// nameScore blends two views of likeness: the Dice coefficient of the
// trigram sets (spelling), and the share of the shorter name's tokens found
// in the longer one (so "Lamna" scores well against "Lamna Healthcare").
// Integers throughout: the score is shown, and must not wobble.
func nameScore(a NormalizedName, ag []string, b NormalizedName, bg []string) int {
	shared := 0
	for i, j := 0, 0; i < len(ag) && j < len(bg); {
		switch {
		case ag[i] == bg[j]:
			shared++
			i++
			j++
		case ag[i] < bg[j]:
			i++
		default:
			j++
		}
	}
	if len(ag)+len(bg) == 0 {
		return 0
	}
	dice := 200 * shared / (len(ag) + len(bg))
	short, long := a.Tokens, b.Tokens
	if len(short) > len(long) {
		short, long = long, short
	}
	found := 0
	for _, t := range short {
		if slices.Contains(long, t) {
			found++
		}
	}
	overlap := 0
	if len(short) > 0 {
		overlap = 100 * found / len(short)
	}
	score := (dice + overlap) / 2
	if a.Key == b.Key {
		score = 100
	} else if score >= 100 {
		score = 99 // only the same normalised name is a certainty
	}
	return score
}
