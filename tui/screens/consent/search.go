package consent

import (
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
)

// searchBox is the one-line search input. It is hand-written because
// bubbles/textinput pulls in a clipboard module that go.sum does not pin;
// a search needs only typing, deleting and pasting at the end.
type searchBox struct {
	value []rune
	limit int
}

func (s *searchBox) Value() string { return string(s.value) }

func (s *searchBox) SetValue(v string) {
	s.value = []rune(v)
	if s.limit > 0 && len(s.value) > s.limit {
		s.value = s.value[:s.limit]
	}
}

// Update applies one key press.
func (s *searchBox) Update(msg tea.KeyMsg) {
	switch msg.Type {
	case tea.KeyBackspace:
		if n := len(s.value); n > 0 {
			s.value = s.value[:n-1]
		}
	case tea.KeyCtrlU:
		s.value = nil
	case tea.KeyCtrlW:
		s.deleteWord()
	case tea.KeySpace:
		s.insert([]rune{' '})
	case tea.KeyRunes:
		s.insert(msg.Runes)
	}
}

func (s *searchBox) insert(rs []rune) {
	for _, r := range rs {
		if !unicode.IsPrint(r) {
			continue
		}
		if s.limit > 0 && len(s.value) >= s.limit {
			return
		}
		s.value = append(s.value, r)
	}
}

func (s *searchBox) deleteWord() {
	i := len(s.value)
	for i > 0 && s.value[i-1] == ' ' {
		i--
	}
	for i > 0 && s.value[i-1] != ' ' {
		i--
	}
	s.value = s.value[:i]
}
