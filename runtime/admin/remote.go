package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/infgen/infgen/runtime/client"
)

// Client is the admin API seen from another process (the ops CLI): the
// same operations as a *client.Client, over HTTP. Errors match the client's
// sentinels (errors.Is(err, client.ErrNotFound), …); a failed workflow's
// outcome carries its error message only.
type Client struct {
	base  string
	token string
	http  *http.Client
}

var _ API = (*Client)(nil)

// Dial returns a client of the admin API at addr (host:port or a URL). It
// does not connect: Ping checks the server answers.
func Dial(addr, token string) *Client {
	base := addr
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	return &Client{base: strings.TrimSuffix(base, "/"), token: token, http: &http.Client{}}
}

// Addr is the server's base URL.
func (c *Client) Addr() string { return c.base }

// Ping checks that an admin API answers at the address (and accepts the token).
func (c *Client) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return c.do(ctx, http.MethodGet, "/v1/health", nil, nil)
}

// Close releases nothing: each call is one request.
func (c *Client) Close() error { return nil }

// do sends one request; out (when not nil) receives the JSON answer.
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the cause, without the request line
		}
		return fmt.Errorf("admin API at %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("admin API at %s: %w", c.base, err)
	}
	if resp.StatusCode >= 300 {
		var e errorResponse
		if json.Unmarshal(data, &e) != nil || e.Error == "" {
			return fmt.Errorf("admin API at %s: %s %s: %s", c.base, method, path, resp.Status)
		}
		return &remoteError{msg: e.Error, code: e.Code}
	}
	if resp.StatusCode == http.StatusAccepted {
		return errStillRunning
	}
	if out == nil {
		return nil
	}
	if raw, ok := out.(*json.RawMessage); ok {
		*raw = data
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("admin API at %s: %s %s: decode answer: %w", c.base, method, path, err)
	}
	return nil
}

var errStillRunning = errors.New("admin: the workflow is still running")

func (c *Client) start(ctx context.Context, p client.StartParams, sig *signalRequest) (string, error) {
	req := startRequest{Workflow: p.Workflow, ID: p.ID, Tags: p.Tags, RestartIfFinished: p.RestartIfFinished,
		AllowUnregistered: p.AllowUnregistered, Signal: sig}
	if p.Timeout > 0 {
		req.Timeout = p.Timeout.String()
	}
	if p.Input != nil {
		in, err := json.Marshal(p.Input)
		if err != nil {
			return "", fmt.Errorf("encode input of %s: %w", p.Workflow, err)
		}
		req.Input = in
	}
	var res idResponse
	err := c.do(ctx, http.MethodPost, "/v1/workflows", req, &res)
	return res.ID, err
}

// Start implements API.
func (c *Client) Start(ctx context.Context, p client.StartParams) (string, error) {
	return c.start(ctx, p, nil)
}

// SignalWithStart implements API.
func (c *Client) SignalWithStart(ctx context.Context, p client.StartParams, channel string, value any) (string, error) {
	v, err := json.Marshal(value)
	if err != nil {
		return "", fmt.Errorf("encode signal %q: %w", channel, err)
	}
	return c.start(ctx, p, &signalRequest{Channel: channel, Value: v})
}

// Signal implements API.
func (c *Client) Signal(ctx context.Context, t client.Target, channel string, value any) (int, error) {
	v, err := json.Marshal(value)
	if err != nil {
		return 0, fmt.Errorf("encode signal %q: %w", channel, err)
	}
	var res countResponse
	err = c.do(ctx, http.MethodPost, "/v1/signal", signalRequest{Target: t, Channel: channel, Value: v}, &res)
	return res.Count, err
}

// SignalOnce implements API.
func (c *Client) SignalOnce(ctx context.Context, id, channel, key string, value any) error {
	if id == "" {
		return errors.New("admin: SignalOnce needs a workflow id")
	}
	v, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("encode signal %q: %w", channel, err)
	}
	return c.do(ctx, http.MethodPost, "/v1/signal", signalRequest{Target: client.Target{ID: id}, Channel: channel, Value: v, Key: key}, &countResponse{})
}

// SignalWithStartOnce implements API.
func (c *Client) SignalWithStartOnce(ctx context.Context, p client.StartParams, channel, key string, value any) (string, error) {
	v, err := json.Marshal(value)
	if err != nil {
		return "", fmt.Errorf("encode signal %q: %w", channel, err)
	}
	return c.start(ctx, p, &signalRequest{Channel: channel, Value: v, Key: key})
}

// Cancel implements API.
func (c *Client) Cancel(ctx context.Context, t client.Target) (int, error) {
	var res countResponse
	err := c.do(ctx, http.MethodPost, "/v1/cancel", signalRequest{Target: t}, &res)
	return res.Count, err
}

// Update implements API: the request lasts until the workflow answers or
// ctx ends.
func (c *Client) Update(ctx context.Context, p client.UpdateParams) (json.RawMessage, error) {
	in, err := json.Marshal(p.Input)
	if err != nil {
		return nil, fmt.Errorf("encode the input of update %q: %w", p.Update, err)
	}
	var raw json.RawMessage
	err = c.do(ctx, http.MethodPost, "/v1/workflows/"+url.PathEscape(p.ID)+"/update",
		updateRequest{Update: p.Update, Input: in, UpdateID: p.UpdateID}, &raw)
	if err != nil {
		return nil, err
	}
	return raw, nil
}

// RetryTasks implements API.
func (c *Client) RetryTasks(ctx context.Context, id string) (int, error) {
	var res countResponse
	err := c.do(ctx, http.MethodPost, "/v1/workflows/"+url.PathEscape(id)+"/retry", nil, &res)
	return res.Count, err
}

// Restart implements API.
func (c *Client) Restart(ctx context.Context, id string) (int, error) {
	var res runResponse
	err := c.do(ctx, http.MethodPost, "/v1/workflows/"+url.PathEscape(id)+"/restart", nil, &res)
	return res.Run, err
}

// Describe implements API.
func (c *Client) Describe(ctx context.Context, id string) (*client.Description, error) {
	var d client.Description
	if err := c.do(ctx, http.MethodGet, "/v1/workflows/"+url.PathEscape(id), nil, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// State implements API.
func (c *Client) State(ctx context.Context, id string) (json.RawMessage, error) {
	var raw json.RawMessage
	if err := c.do(ctx, http.MethodGet, "/v1/workflows/"+url.PathEscape(id)+"/state", nil, &raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// Tasks implements API.
func (c *Client) Tasks(ctx context.Context, id string) ([]client.TaskRecord, error) {
	var tasks []client.TaskRecord
	if err := c.do(ctx, http.MethodGet, "/v1/workflows/"+url.PathEscape(id)+"/tasks", nil, &tasks); err != nil {
		return nil, err
	}
	return tasks, nil
}

// Await implements API: it long-polls, 30s at a time, until ctx ends.
func (c *Client) Await(ctx context.Context, id string) (*client.Outcome, error) {
	for {
		wait := 30 * time.Second
		if dl, ok := ctx.Deadline(); ok {
			wait = min(wait, time.Until(dl))
		}
		if wait <= 0 {
			return nil, context.DeadlineExceeded
		}
		var o outcome
		path := "/v1/workflows/" + url.PathEscape(id) + "/outcome?wait=" + url.QueryEscape(wait.String())
		err := c.do(ctx, http.MethodGet, path, nil, &o)
		if errors.Is(err, errStillRunning) {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		out := &client.Outcome{ID: o.ID, Status: o.Status, Output: o.Output}
		if o.Error != "" {
			out.Err = errors.New(o.Error)
		}
		return out, nil
	}
}

func (c *Client) list(ctx context.Context, query string) ([]string, error) {
	var ids []string
	err := c.do(ctx, http.MethodGet, "/v1/workflows?"+query, nil, &ids)
	return ids, err
}

// ListByTag implements API.
func (c *Client) ListByTag(ctx context.Context, tag string) ([]string, error) {
	return c.list(ctx, "tag="+url.QueryEscape(tag))
}

// ListRunning implements API.
func (c *Client) ListRunning(ctx context.Context) ([]string, error) {
	return c.list(ctx, "list=running")
}

// ListParked implements API.
func (c *Client) ListParked(ctx context.Context) ([]string, error) { return c.list(ctx, "list=parked") }

// List implements API.
func (c *Client) List(ctx context.Context, p client.ListParams) (*client.ListPage, error) {
	q := url.Values{"limit": {strconv.Itoa(p.Limit)}}
	if p.Tag != "" {
		q.Set("tag", p.Tag)
	}
	if p.Parked {
		q.Set("list", "parked")
	}
	if p.Prefix != "" {
		q.Set("prefix", p.Prefix)
	}
	if p.After != "" {
		q.Set("after", p.After)
	}
	if p.Name != "" {
		q.Set("name", p.Name)
	}
	if p.Status != "" {
		q.Set("status", string(p.Status))
	}
	for key, t := range map[string]time.Time{"started_after": p.StartedAfter, "started_before": p.StartedBefore,
		"updated_after": p.UpdatedAfter, "updated_before": p.UpdatedBefore} {
		if !t.IsZero() {
			q.Set(key, t.Format(time.RFC3339Nano))
		}
	}
	var page client.ListPage
	if err := c.do(ctx, http.MethodGet, "/v1/workflows?"+q.Encode(), nil, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// DeadLetters implements API.
func (c *Client) DeadLetters(ctx context.Context) ([]client.DeadLetter, error) {
	var dls []client.DeadLetter
	err := c.do(ctx, http.MethodGet, "/v1/dead-letters", nil, &dls)
	return dls, err
}

// Redrive implements API.
func (c *Client) Redrive(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodPost, "/v1/dead-letters/"+url.PathEscape(id)+"/redrive", nil, nil)
}

// DropDeadLetter implements API.
func (c *Client) DropDeadLetter(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodPost, "/v1/dead-letters/"+url.PathEscape(id)+"/drop", nil, nil)
}

// Workers implements API.
func (c *Client) Workers(ctx context.Context) ([]client.WorkerInfo, error) {
	var ws []client.WorkerInfo
	err := c.do(ctx, http.MethodGet, "/v1/workers", nil, &ws)
	return ws, err
}
