package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/infgen/infgen/runtime/client"
)

// The schedule endpoints: GET and POST /v1/schedules (list, create),
// GET, PATCH (update) and DELETE /v1/schedules/{id}, POST
// /v1/schedules/{id}/pause, /resume, /trigger and /backfill.

// scheduleRequest is the body of POST /v1/schedules; durations are Go
// durations ("1h30m").
type scheduleRequest struct {
	ID                string          `json:"id"`
	Workflow          string          `json:"workflow"`
	Input             json.RawMessage `json:"input,omitempty"`
	Tags              []string        `json:"tags,omitempty"`
	Timeout           string          `json:"timeout,omitempty"`
	Cron              string          `json:"cron,omitempty"`
	TimeZone          string          `json:"timeZone,omitempty"`
	Every             string          `json:"every,omitempty"`
	Overlap           string          `json:"overlap,omitempty"`
	CatchUp           string          `json:"catchUp,omitempty"`
	CatchUpWindow     string          `json:"catchUpWindow,omitempty"`
	Jitter            string          `json:"jitter,omitempty"`
	Paused            bool            `json:"paused,omitempty"`
	Note              string          `json:"note,omitempty"`
	AllowUnregistered bool            `json:"allowUnregistered,omitempty"`
}

// scheduleUpdateRequest is the body of PATCH /v1/schedules/{id}: the fields
// present change; durations are Go durations.
type scheduleUpdateRequest struct {
	Workflow          *string         `json:"workflow,omitempty"`
	Input             json.RawMessage `json:"input,omitempty"`
	Tags              *[]string       `json:"tags,omitempty"`
	Timeout           *string         `json:"timeout,omitempty"`
	Cron              *string         `json:"cron,omitempty"`
	TimeZone          *string         `json:"timeZone,omitempty"`
	Every             *string         `json:"every,omitempty"`
	Overlap           *string         `json:"overlap,omitempty"`
	CatchUp           *string         `json:"catchUp,omitempty"`
	CatchUpWindow     *string         `json:"catchUpWindow,omitempty"`
	Jitter            *string         `json:"jitter,omitempty"`
	Paused            *bool           `json:"paused,omitempty"`
	Note              *string         `json:"note,omitempty"`
	AllowUnregistered bool            `json:"allowUnregistered,omitempty"`
}

// pauseRequest is the body of POST /v1/schedules/{id}/pause.
type pauseRequest struct {
	Note string `json:"note,omitempty"`
}

// backfillRequest is the body of POST /v1/schedules/{id}/backfill.
type backfillRequest struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// idsResponse carries the ids a backfill started.
type idsResponse struct {
	IDs []string `json:"ids"`
}

func (s *Server) mountSchedules(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/schedules", func(w http.ResponseWriter, r *http.Request) {
		list, err := s.api.ListSchedules(r.Context())
		s.result(w, list, err)
	})
	mux.HandleFunc("POST /v1/schedules", s.createSchedule)
	mux.HandleFunc("GET /v1/schedules/{id}", func(w http.ResponseWriter, r *http.Request) {
		d, err := s.api.DescribeSchedule(r.Context(), r.PathValue("id"))
		s.result(w, d, err)
	})
	mux.HandleFunc("PATCH /v1/schedules/{id}", s.updateSchedule)
	mux.HandleFunc("DELETE /v1/schedules/{id}", func(w http.ResponseWriter, r *http.Request) {
		s.result(w, map[string]bool{"ok": true}, s.api.DeleteSchedule(r.Context(), r.PathValue("id")))
	})
	mux.HandleFunc("POST /v1/schedules/{id}/pause", func(w http.ResponseWriter, r *http.Request) {
		var req pauseRequest
		if !decode(w, r, &req) {
			return
		}
		s.result(w, map[string]bool{"ok": true}, s.api.PauseSchedule(r.Context(), r.PathValue("id"), req.Note))
	})
	mux.HandleFunc("POST /v1/schedules/{id}/resume", func(w http.ResponseWriter, r *http.Request) {
		s.result(w, map[string]bool{"ok": true}, s.api.ResumeSchedule(r.Context(), r.PathValue("id")))
	})
	mux.HandleFunc("POST /v1/schedules/{id}/trigger", func(w http.ResponseWriter, r *http.Request) {
		id, err := s.api.TriggerSchedule(r.Context(), r.PathValue("id"))
		s.result(w, idResponse{ID: id}, err)
	})
	mux.HandleFunc("POST /v1/schedules/{id}/backfill", func(w http.ResponseWriter, r *http.Request) {
		var req backfillRequest
		if !decode(w, r, &req) {
			return
		}
		ids, err := s.api.BackfillSchedule(r.Context(), r.PathValue("id"), req.From, req.To)
		s.result(w, idsResponse{IDs: ids}, err)
	})
}

func (s *Server) createSchedule(w http.ResponseWriter, r *http.Request) {
	var req scheduleRequest
	if !decode(w, r, &req) {
		return
	}
	p := client.ScheduleParams{ID: req.ID, Workflow: req.Workflow, Tags: req.Tags, Cron: req.Cron, TimeZone: req.TimeZone,
		Overlap: client.OverlapPolicy(req.Overlap), CatchUp: client.CatchUpPolicy(req.CatchUp), Paused: req.Paused,
		Note: req.Note, AllowUnregistered: req.AllowUnregistered}
	if len(req.Input) > 0 {
		p.Input = req.Input
	}
	for _, d := range []struct {
		name string
		s    string
		dst  *time.Duration
	}{{"timeout", req.Timeout, &p.Timeout}, {"every", req.Every, &p.Every},
		{"catchUpWindow", req.CatchUpWindow, &p.CatchUpWindow}, {"jitter", req.Jitter, &p.Jitter}} {
		v, err := parseDuration(d.s)
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", d.name+": "+err.Error())
			return
		}
		*d.dst = v
	}
	info, err := s.api.CreateSchedule(r.Context(), p)
	s.result(w, info, err)
}

func (s *Server) updateSchedule(w http.ResponseWriter, r *http.Request) {
	var req scheduleUpdateRequest
	if !decode(w, r, &req) {
		return
	}
	u := client.ScheduleUpdate{Workflow: req.Workflow, Tags: req.Tags, Cron: req.Cron, TimeZone: req.TimeZone,
		Paused: req.Paused, Note: req.Note, AllowUnregistered: req.AllowUnregistered}
	if len(req.Input) > 0 {
		u.Input = req.Input
	}
	if req.Overlap != nil {
		o := client.OverlapPolicy(*req.Overlap)
		u.Overlap = &o
	}
	if req.CatchUp != nil {
		c := client.CatchUpPolicy(*req.CatchUp)
		u.CatchUp = &c
	}
	for _, d := range []struct {
		name string
		s    *string
		dst  **time.Duration
	}{{"timeout", req.Timeout, &u.Timeout}, {"every", req.Every, &u.Every},
		{"catchUpWindow", req.CatchUpWindow, &u.CatchUpWindow}, {"jitter", req.Jitter, &u.Jitter}} {
		if d.s == nil {
			continue
		}
		v, err := parseDuration(*d.s)
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", d.name+": "+err.Error())
			return
		}
		*d.dst = &v
	}
	info, err := s.api.UpdateSchedule(r.Context(), r.PathValue("id"), u)
	s.result(w, info, err)
}

func schedulePath(id string) string { return "/v1/schedules/" + url.PathEscape(id) }

// CreateSchedule implements API.
func (c *Client) CreateSchedule(ctx context.Context, p client.ScheduleParams) (*client.ScheduleInfo, error) {
	req := scheduleRequest{ID: p.ID, Workflow: p.Workflow, Tags: p.Tags, Cron: p.Cron, TimeZone: p.TimeZone,
		Overlap: string(p.Overlap), CatchUp: string(p.CatchUp), Paused: p.Paused, Note: p.Note, AllowUnregistered: p.AllowUnregistered}
	if p.Input != nil {
		in, err := json.Marshal(p.Input)
		if err != nil {
			return nil, fmt.Errorf("encode input of schedule %s: %w", p.ID, err)
		}
		req.Input = in
	}
	for _, d := range []struct {
		v   time.Duration
		dst *string
	}{{p.Timeout, &req.Timeout}, {p.Every, &req.Every}, {p.CatchUpWindow, &req.CatchUpWindow}, {p.Jitter, &req.Jitter}} {
		if d.v != 0 {
			*d.dst = d.v.String()
		}
	}
	var info client.ScheduleInfo
	if err := c.do(ctx, http.MethodPost, "/v1/schedules", req, &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// ListSchedules implements API.
func (c *Client) ListSchedules(ctx context.Context) ([]client.ScheduleInfo, error) {
	var list []client.ScheduleInfo
	err := c.do(ctx, http.MethodGet, "/v1/schedules", nil, &list)
	return list, err
}

// DescribeSchedule implements API.
func (c *Client) DescribeSchedule(ctx context.Context, id string) (*client.ScheduleInfo, error) {
	var info client.ScheduleInfo
	if err := c.do(ctx, http.MethodGet, schedulePath(id), nil, &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// UpdateSchedule implements API.
func (c *Client) UpdateSchedule(ctx context.Context, id string, u client.ScheduleUpdate) (*client.ScheduleInfo, error) {
	req := scheduleUpdateRequest{Workflow: u.Workflow, Tags: u.Tags, Cron: u.Cron, TimeZone: u.TimeZone, Paused: u.Paused, Note: u.Note,
		AllowUnregistered: u.AllowUnregistered}
	if u.Input != nil {
		in, err := json.Marshal(u.Input)
		if err != nil {
			return nil, fmt.Errorf("encode input of schedule %s: %w", id, err)
		}
		req.Input = in
	}
	if u.Overlap != nil {
		o := string(*u.Overlap)
		req.Overlap = &o
	}
	if u.CatchUp != nil {
		c := string(*u.CatchUp)
		req.CatchUp = &c
	}
	for _, d := range []struct {
		v   *time.Duration
		dst **string
	}{{u.Timeout, &req.Timeout}, {u.Every, &req.Every}, {u.CatchUpWindow, &req.CatchUpWindow}, {u.Jitter, &req.Jitter}} {
		if d.v != nil {
			s := d.v.String()
			*d.dst = &s
		}
	}
	var info client.ScheduleInfo
	if err := c.do(ctx, http.MethodPatch, schedulePath(id), req, &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// PauseSchedule implements API.
func (c *Client) PauseSchedule(ctx context.Context, id, note string) error {
	return c.do(ctx, http.MethodPost, schedulePath(id)+"/pause", pauseRequest{Note: note}, nil)
}

// ResumeSchedule implements API.
func (c *Client) ResumeSchedule(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodPost, schedulePath(id)+"/resume", nil, nil)
}

// TriggerSchedule implements API.
func (c *Client) TriggerSchedule(ctx context.Context, id string) (string, error) {
	var res idResponse
	err := c.do(ctx, http.MethodPost, schedulePath(id)+"/trigger", nil, &res)
	return res.ID, err
}

// BackfillSchedule implements API.
func (c *Client) BackfillSchedule(ctx context.Context, id string, from, to time.Time) ([]string, error) {
	var res idsResponse
	err := c.do(ctx, http.MethodPost, schedulePath(id)+"/backfill", backfillRequest{From: from, To: to}, &res)
	return res.IDs, err
}

// DeleteSchedule implements API.
func (c *Client) DeleteSchedule(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, schedulePath(id), nil, nil)
}
