package common_test

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

// TestOutputWritesOneAtATime: while one write (a frame) is under way, a
// second one (an OSC 52 copy from a command) waits for it instead of
// landing inside it.
func TestOutputWritesOneAtATime(t *testing.T) {
	t.Parallel()
	w := tuitest.NewHeldWriter()
	t.Cleanup(w.Release)
	c := common.New(context.Background(), common.Deps{}, w)

	go func() { _, _ = c.Output.Write([]byte("frame")) }()
	<-w.Writing
	done := make(chan struct{})
	go func() {
		_, _ = c.Output.Write([]byte("\x1b]52;c;Y29kZQ==\x07"))
		close(done)
	}()
	select {
	case <-done:
		t.Fatal("a second write went through while the first was still being written")
	case <-time.After(50 * time.Millisecond):
	}
	w.Release()
	<-done
	if got := w.String(); got != "frame\x1b]52;c;Y29kZQ==\x07" {
		t.Errorf("output %q, want the frame whole, then the copy", got)
	}
	if w.Overlapped() {
		t.Error("two writes ran at once")
	}
}

// TestLockOutputKeepsTheTerminal: Bubble Tea reads the terminal's size
// through the output's Fd, so the lock must not hide the file.
func TestLockOutputKeepsTheTerminal(t *testing.T) {
	t.Parallel()
	f, err := os.CreateTemp(t.TempDir(), "tty")
	if err != nil {
		t.Fatal(err)
	}
	locked := common.LockOutput(f)
	file, ok := locked.(interface {
		io.ReadWriteCloser
		Fd() uintptr
	})
	if !ok {
		t.Fatalf("%T hides the file from Bubble Tea", locked)
	}
	if file.Fd() != f.Fd() {
		t.Errorf("Fd %d, want %d", file.Fd(), f.Fd())
	}
	if again := common.LockOutput(locked); again != locked {
		t.Error("a locked output was locked twice: two locks guard nothing")
	}
	if err := file.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if common.LockOutput(nil) != nil {
		t.Error("no output should stay nil, so that copying stays off")
	}
	if c := common.New(context.Background(), common.Deps{}, nil); c.CanCopy() {
		t.Error("copying is on without an output")
	}
}

// quitAtOnce draws one frame and quits.
type quitAtOnce struct{}

func (quitAtOnce) Init() tea.Cmd                       { return tea.Quit }
func (quitAtOnce) Update(tea.Msg) (tea.Model, tea.Cmd) { return quitAtOnce{}, nil }
func (quitAtOnce) View() string                        { return "the frame" }

// TestProgramOutputSharesTheLock: the program drawing with ProgramOutput
// waits while another write to c.Output is under way.
func TestProgramOutputSharesTheLock(t *testing.T) {
	t.Parallel()
	w := tuitest.NewHeldWriter()
	t.Cleanup(w.Release)
	c := common.New(context.Background(), common.Deps{}, w)

	go func() { _, _ = c.Output.Write([]byte("copy;")) }()
	<-w.Writing
	ran := make(chan error, 1)
	go func() {
		_, err := tea.NewProgram(quitAtOnce{}, tea.WithInput(nil), tea.WithoutSignalHandler(), c.ProgramOutput()).Run()
		ran <- err
	}()
	time.Sleep(50 * time.Millisecond)
	w.Release()
	select {
	case err := <-ran:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the program did not end")
	}
	if w.Overlapped() {
		t.Error("the program wrote while the copy was being written")
	}
	if got := w.String(); !strings.HasPrefix(got, "copy;") || !strings.Contains(got, "the frame") {
		t.Errorf("output %q, want the copy, then the program's frame", got)
	}
}

func TestProgramOutputWithoutOutput(t *testing.T) {
	t.Parallel()
	c := common.New(context.Background(), common.Deps{}, nil)
	if c.ProgramOutput() == nil {
		t.Fatal("ProgramOutput must be an option tea.NewProgram can apply")
	}
}
