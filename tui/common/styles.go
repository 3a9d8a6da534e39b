package common

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/lipgloss"
)

// Palette is the wizard's colours. Every colour adapts to light and dark
// terminals. Colour is never the only signal: every state also has a text
// marker, because NO_COLOR (honoured by lipgloss through termenv) drops it.
type Palette struct {
	Text    lipgloss.AdaptiveColor
	Muted   lipgloss.AdaptiveColor
	Accent  lipgloss.AdaptiveColor
	Good    lipgloss.AdaptiveColor
	Warn    lipgloss.AdaptiveColor
	Bad     lipgloss.AdaptiveColor
	Info    lipgloss.AdaptiveColor
	Border  lipgloss.AdaptiveColor
	Inverse lipgloss.AdaptiveColor
}

// DefaultPalette returns the wizard's colours.
func DefaultPalette() Palette {
	return Palette{
		Text:    lipgloss.AdaptiveColor{Light: "#1F1F1F", Dark: "#E6E6E6"},
		Muted:   lipgloss.AdaptiveColor{Light: "#7A7A7A", Dark: "#8A8A8A"},
		Accent:  lipgloss.AdaptiveColor{Light: "#5A3FD9", Dark: "#A78BFA"},
		Good:    lipgloss.AdaptiveColor{Light: "#177245", Dark: "#4ADE80"},
		Warn:    lipgloss.AdaptiveColor{Light: "#9A5B00", Dark: "#FBBF24"},
		Bad:     lipgloss.AdaptiveColor{Light: "#B3261E", Dark: "#F87171"},
		Info:    lipgloss.AdaptiveColor{Light: "#1D5FAF", Dark: "#60A5FA"},
		Border:  lipgloss.AdaptiveColor{Light: "#BDBDBD", Dark: "#4B4B4B"},
		Inverse: lipgloss.AdaptiveColor{Light: "#FFFFFF", Dark: "#111111"},
	}
}

// HeaderStyles draw the stepper header.
type HeaderStyles struct {
	Bar         lipgloss.Style // the whole header block, with its bottom rule
	Title       lipgloss.Style
	Badge       lipgloss.Style
	StepDone    lipgloss.Style
	StepCurrent lipgloss.Style
	StepTodo    lipgloss.Style
	StepSoon    lipgloss.Style
	Legend      lipgloss.Style
}

// StatusStyles draw the status bar.
type StatusStyles struct {
	Spinner lipgloss.Style
	Task    lipgloss.Style
	Info    lipgloss.Style
	Success lipgloss.Style
	Warning lipgloss.Style
	Failure lipgloss.Style
}

// ErrorBoxStyles draw the error box.
type ErrorBoxStyles struct {
	Box   lipgloss.Style
	Title lipgloss.Style
	Label lipgloss.Style
	Text  lipgloss.Style
	Hint  lipgloss.Style
}

// TableStyles draw tables.
type TableStyles struct {
	Header   lipgloss.Style
	Row      lipgloss.Style
	Selected lipgloss.Style
}

// StateStyles colour consent and GDAP states; the marker is in the text.
type StateStyles struct {
	Ready        lipgloss.Style
	Verifying    lipgloss.Style
	NotConsented lipgloss.Style
	Lost         lipgloss.Style
	Failed       lipgloss.Style
}

// Styles is every style the wizard uses. It is the only place that builds
// styles, so the look changes in one file.
type Styles struct {
	// renderer is the one the styles were built on; NewProgressBar reads
	// its colour profile and background.
	renderer *lipgloss.Renderer

	Palette  Palette
	Header   HeaderStyles
	Status   StatusStyles
	ErrorBox ErrorBoxStyles
	Table    TableStyles
	State    StateStyles

	// Plain has no colour or attribute: for wrapping and padding text that
	// is styled already.
	Plain lipgloss.Style
	// Body text.
	Title   lipgloss.Style // the screen's heading
	Text    lipgloss.Style
	Muted   lipgloss.Style
	Bold    lipgloss.Style
	Good    lipgloss.Style
	Warn    lipgloss.Style
	Bad     lipgloss.Style
	Link    lipgloss.Style
	Key     lipgloss.Style // a key named in running text: "press n"
	KeyHot  lipgloss.Style // a key the screen recommends right now
	Panel   lipgloss.Style // a bordered box for dialogs and notices
	Code    lipgloss.Style // the device code, shown large
	Prompt  lipgloss.Style // the search prompt
	Help    help.Styles
	Spinner lipgloss.Style
}

// DefaultStyles returns the styles built on the default lipgloss renderer,
// whose colour profile follows the terminal and NO_COLOR.
func DefaultStyles() *Styles {
	return NewStyles(lipgloss.DefaultRenderer(), DefaultPalette())
}

// NewStyles builds the styles on renderer r with palette p. Use it when the
// program draws somewhere other than stdout, so colour detection looks at
// the right terminal.
func NewStyles(r *lipgloss.Renderer, p Palette) *Styles {
	s := &Styles{renderer: r, Palette: p}
	base := r.NewStyle()

	s.Header = HeaderStyles{
		Bar: base.BorderStyle(lipgloss.NormalBorder()).BorderBottom(true).
			BorderForeground(p.Border),
		Title:       base.Bold(true).Foreground(p.Accent),
		Badge:       base.Bold(true).Foreground(p.Inverse).Background(p.Warn),
		StepDone:    base.Foreground(p.Good),
		StepCurrent: base.Bold(true).Foreground(p.Accent),
		StepTodo:    base.Foreground(p.Text),
		StepSoon:    base.Foreground(p.Muted),
		Legend:      base.Foreground(p.Muted),
	}
	s.Status = StatusStyles{
		Spinner: base.Foreground(p.Accent),
		Task:    base.Foreground(p.Text),
		Info:    base.Foreground(p.Info),
		Success: base.Foreground(p.Good),
		Warning: base.Foreground(p.Warn),
		Failure: base.Foreground(p.Bad),
	}
	s.ErrorBox = ErrorBoxStyles{
		Box: base.BorderStyle(lipgloss.RoundedBorder()).BorderForeground(p.Bad).
			Padding(0, 1),
		Title: base.Bold(true).Foreground(p.Bad),
		Label: base.Bold(true),
		Text:  base.Foreground(p.Text),
		Hint:  base.Foreground(p.Muted),
	}
	s.Table = TableStyles{
		Header:   base.Bold(true).Foreground(p.Muted),
		Row:      base.Foreground(p.Text),
		Selected: base.Bold(true).Foreground(p.Accent),
	}
	s.State = StateStyles{
		Ready:        base.Foreground(p.Good),
		Verifying:    base.Foreground(p.Info),
		NotConsented: base.Foreground(p.Muted),
		Lost:         base.Foreground(p.Warn),
		Failed:       base.Foreground(p.Bad),
	}

	s.Plain = base
	s.Title = base.Bold(true).Foreground(p.Text)
	s.Text = base.Foreground(p.Text)
	s.Muted = base.Foreground(p.Muted)
	s.Bold = base.Bold(true)
	s.Good = base.Foreground(p.Good)
	s.Warn = base.Foreground(p.Warn)
	s.Bad = base.Foreground(p.Bad)
	s.Link = base.Underline(true).Foreground(p.Info)
	s.Key = base.Bold(true).Foreground(p.Accent)
	s.KeyHot = base.Bold(true).Foreground(p.Inverse).Background(p.Accent)
	s.Panel = base.BorderStyle(lipgloss.RoundedBorder()).BorderForeground(p.Border).
		Padding(0, 1)
	s.Code = base.Bold(true).Foreground(p.Accent).
		BorderStyle(lipgloss.DoubleBorder()).BorderForeground(p.Accent).
		Padding(1, 4)
	s.Prompt = base.Bold(true).Foreground(p.Accent)
	s.Spinner = base.Foreground(p.Accent)
	s.Help = help.Styles{
		Ellipsis:       base.Foreground(p.Muted),
		ShortKey:       base.Bold(true).Foreground(p.Text),
		ShortDesc:      base.Foreground(p.Muted),
		ShortSeparator: base.Foreground(p.Border),
		FullKey:        base.Bold(true).Foreground(p.Text),
		FullDesc:       base.Foreground(p.Muted),
		FullSeparator:  base.Foreground(p.Border),
	}
	return s
}

// NewProgressBar returns a progress bar in the wizard's colours: the done
// part in Accent, the rest in Border, the percentage like Status.Task.
// bubbles/progress takes colours as strings, not styles, so the palette is
// resolved here for the renderer's background, and the renderer's colour
// profile is handed on: under NO_COLOR or the ASCII profile the bar is
// drawn with characters alone (█ done, ░ to do), which carry the meaning.
// The caller sets Width and draws with ViewAs.
func (s *Styles) NewProgressBar() progress.Model {
	r := s.renderer
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	resolve := func(c lipgloss.AdaptiveColor) string {
		if r.HasDarkBackground() {
			return c.Dark
		}
		return c.Light
	}
	bar := progress.New(
		progress.WithSolidFill(resolve(s.Palette.Accent)),
		progress.WithColorProfile(r.ColorProfile()),
	)
	bar.EmptyColor = resolve(s.Palette.Border)
	bar.PercentageStyle = s.Status.Task
	return bar
}
