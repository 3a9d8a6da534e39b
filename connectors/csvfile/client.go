package csvfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
)

// service names the connector in errors and the log.
const service = "csv"

// DisplayName is the connector as the wizard shows it.
const DisplayName = "CSV file"

// MaxFileSize bounds the file: an export of every subscription of a large
// MSP is a few megabytes; far more is the wrong file.
const MaxFileSize = 64 << 20

// attempts is how often a read that fails for a moment is tried, and
// retryWaits the waits between tries: long enough for a network share to
// recover or an export to finish writing, short enough not to stall a sync.
const attempts = 3

var retryWaits = []time.Duration{250 * time.Millisecond, time.Second}

// Config configures a Client. Path is required.
type Config struct {
	// Path is the CSV file (config distributor.csv.path); a leading "~/"
	// is the user's home folder.
	Path string
	// Open opens the file; nil = os.Open. Tests use it to make reads slow
	// or failing.
	Open func(path string) (io.ReadCloser, error)
	// Sleep waits between tries (tests make it instant); nil = a real wait.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client reads the distributor's subscriptions from a CSV file. Each
// listing reads the file afresh, so an edit shows at the next sync. It is
// safe for concurrent use.
type Client struct {
	path  string
	open  func(string) (io.ReadCloser, error)
	sleep func(context.Context, time.Duration) error

	mu       sync.Mutex
	warnings []string
}

// The Client is a connectors.Distributor that can test its settings. It is
// deliberately not a connectors.CallCounter: it makes no HTTP calls, and a
// count of file reads would be read as API calls.
var (
	_ connectors.Distributor        = (*Client)(nil)
	_ connectors.DistributorChecker = (*Client)(nil)
)

func init() {
	connectors.Default.Register(connectors.Info{
		Name:        "csv",
		DisplayName: DisplayName,
		Kind:        connectors.KindDistributor,
		Description: "a CSV file of what the distributor bills, for a distributor without an API (`seats distributor template` writes an example)",
		Fallback:    true,
	})
}

// New builds a Client. It does not read the file yet; it fails only when
// no path is set.
func New(cfg Config) (*Client, error) {
	path := strings.TrimSpace(cfg.Path)
	if path == "" {
		return nil, errors.New("distributor.csv.path is not set: seats needs the path of the CSV file of the distributor's subscriptions (`seats distributor template` writes an example to start from)")
	}
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, rest)
		}
	}
	c := &Client{path: path, open: cfg.Open, sleep: cfg.Sleep}
	if c.open == nil {
		c.open = func(p string) (io.ReadCloser, error) { return os.Open(p) }
	}
	if c.sleep == nil {
		c.sleep = sleepCtx
	}
	return c, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Path is the file the Client reads.
func (c *Client) Path() string { return c.path }

// Warnings are the file-level warnings of the last file read (a column
// seats ignored), for the connect screen or the sync summary.
func (c *Client) Warnings() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.warnings...)
}

// Accounts reads the file and returns its accounts, in the order they
// first appear; nothing when the file has any problem.
func (c *Client) Accounts(ctx context.Context) ([]connectors.DistributorAccount, error) {
	f, err := c.read(ctx)
	if err != nil {
		return nil, err
	}
	return f.Accounts, nil
}

// Subscriptions reads the file and returns its subscriptions in file
// order; nothing when the file has any problem.
func (c *Client) Subscriptions(ctx context.Context) ([]connectors.DistributorSubscription, error) {
	f, err := c.read(ctx)
	if err != nil {
		return nil, err
	}
	return f.Subscriptions, nil
}

// Check reads the file and counts what it holds: "CSV file: 12 accounts,
// 40 subscriptions". Its errors are those of a listing: which path, which
// line and column, what to do.
func (c *Client) Check(ctx context.Context) (connectors.DistributorCheck, error) {
	res := connectors.DistributorCheck{DisplayName: DisplayName, AccountsNoun: "accounts"}
	f, err := c.read(ctx)
	if err != nil {
		return res, err
	}
	res.Accounts, res.Subscriptions = len(f.Accounts), len(f.Subscriptions)
	return res, nil
}

// errChanged marks a file that changed while it was read.
var errChanged = errors.New("the file changed while it was read")

// read reads and parses the file, trying again after a short wait when the
// read failed for a moment or the file changed meanwhile.
func (c *Client) read(ctx context.Context) (*File, error) {
	const op = "read the file"
	var err error
	for attempt := range attempts {
		if attempt > 0 {
			if werr := c.sleep(ctx, retryWaits[min(attempt-1, len(retryWaits)-1)]); werr != nil {
				return nil, c.canceled(op, werr)
			}
		}
		var data []byte
		data, err = c.readOnce(ctx)
		if cerr := ctx.Err(); cerr != nil {
			return nil, c.canceled(op, cerr)
		}
		if err == nil {
			f, perr := Parse(data)
			if perr != nil {
				var fe *FileError
				if errors.As(perr, &fe) {
					fe.Path = c.path
				}
				return nil, &connectors.Error{Kind: connectors.ErrBadResponse, Service: service, Op: op,
					Message: perr.Error(), Err: perr}
			}
			c.mu.Lock()
			c.warnings = f.Warnings
			c.mu.Unlock()
			return f, nil
		}
		if !transient(err) {
			break
		}
	}
	return nil, c.explain(op, err)
}

// readOnce reads the whole file once. The read runs apart from the caller
// so that a cancelled sync returns at once even when the file sits on a
// network share that hangs; the abandoned read ends when the share answers.
func (c *Client) readOnce(ctx context.Context) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := c.readFile()
		done <- result{data, err}
	}()
	select {
	case r := <-done:
		return r.data, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// statter is what an *os.File offers beyond reading.
type statter interface {
	Stat() (fs.FileInfo, error)
}

func (c *Client) readFile() ([]byte, error) {
	rc, err := c.open(c.path)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	st, hasStat := rc.(statter)
	var before fs.FileInfo
	if hasStat {
		if before, err = st.Stat(); err != nil {
			return nil, err
		}
		if before.IsDir() {
			return nil, errIsDir
		}
	}
	data, err := io.ReadAll(io.LimitReader(rc, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, errTooLarge
	}
	// A file an export is rewriting reads short or long against the size
	// it had when opened, or its time moves: read it again rather than
	// refuse a half-written file line by line.
	if hasStat && before.Mode().IsRegular() {
		after, err := st.Stat()
		if err != nil {
			return nil, err
		}
		if int64(len(data)) != before.Size() || after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) {
			return nil, errChanged
		}
	}
	return data, nil
}

var (
	errIsDir    = errors.New("is a folder")
	errTooLarge = errors.New("is too large")
)

// transient reports whether trying again may help: not for a file that is
// not there, not readable, or not a CSV file.
func transient(err error) bool {
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission),
		errors.Is(err, errIsDir), errors.Is(err, errTooLarge),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	}
	return true
}

// explain turns a failed read into what failed and what to do.
func (c *Client) explain(op string, err error) error {
	e := &connectors.Error{Service: service, Op: op, Err: err}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		e.Kind = connectors.ErrNotFound
		e.Message = fmt.Sprintf("there is no file %s: export the distributor's subscriptions to it, or set distributor.csv.path to the file (`seats distributor template` writes an example)", c.path)
	case errors.Is(err, fs.ErrPermission):
		e.Kind = connectors.ErrForbidden
		e.Message = fmt.Sprintf("seats may not read %s: give the user running seats permission to read it", c.path)
	case errors.Is(err, errIsDir):
		e.Kind = connectors.ErrBadRequest
		e.Message = fmt.Sprintf("%s is a folder: set distributor.csv.path to the CSV file itself", c.path)
	case errors.Is(err, errTooLarge):
		e.Kind = connectors.ErrBadResponse
		e.Message = fmt.Sprintf("%s is larger than %d MiB, which no export of subscriptions is: check distributor.csv.path", c.path, MaxFileSize>>20)
	case errors.Is(err, errChanged):
		e.Kind = connectors.ErrBadResponse
		e.Message = fmt.Sprintf("%s changed while seats read it, %d times: if an export is still writing it, sync again when it is done", c.path, attempts)
	default:
		e.Kind = connectors.ErrUnavailable
		e.Message = fmt.Sprintf("seats could not read %s (%s): if it is open in another program or on a network share, close it or check the share, and try again", c.path, field.Clip(err.Error()))
	}
	return e
}

func (c *Client) canceled(op string, err error) error {
	return &connectors.Error{Kind: connectors.ErrCanceled, Service: service, Op: op, Err: err}
}
