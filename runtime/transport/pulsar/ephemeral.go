package pulsar

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// ephemeralTTL is how long an ephemeral message waits for a subscriber
// before the broker drops it.
const ephemeralTTL = 5 * time.Minute

// markEphemeral gives a topic that carries ephemeral messages (completion
// notifications) topic-level policies matching their contract: no
// retention, so a message published while nobody subscribes is dropped, and
// a message TTL, so the backlog a departed subscriber (a client that exited)
// leaves behind expires instead of growing forever. It runs once per topic
// and process, in the background: notifications are best effort, and a
// failure is only logged.
func (t *Transport) markEphemeral(topic, full string) {
	if t.admin == nil {
		return
	}
	t.mu.Lock()
	_, done := t.ephemeral[full]
	t.ephemeral[full] = struct{}{}
	t.mu.Unlock()
	if done {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), t.cfg.OperationTimeout)
		defer cancel()
		if err := t.admin.setEphemeralPolicies(ctx, t.cfg.TopicPrefix+topic); err != nil {
			t.log.Warn("pulsar: cannot set the policies of an ephemeral topic; abandoned subscriptions keep their backlog",
				"topic", full, "err", err)
		}
	}()
}

// setEphemeralPolicies sets retention 0 and a message TTL on one topic.
func (a *admin) setEphemeralPolicies(ctx context.Context, local string) error {
	path := "/persistent/" + a.tenant + "/" + a.ns + "/" + local
	ttl := strconv.Itoa(int(ephemeralTTL / time.Second))
	if _, _, err := a.do(ctx, http.MethodPost, path+"/messageTTL?messageTTL="+ttl, nil, http.StatusNoContent, http.StatusOK); err != nil {
		return fmt.Errorf("set message TTL of %s: %w", local, err)
	}
	retention := map[string]any{"retentionTimeInMinutes": 0, "retentionSizeInMB": 0}
	if _, _, err := a.do(ctx, http.MethodPost, path+"/retention", retention, http.StatusNoContent, http.StatusOK); err != nil {
		return fmt.Errorf("set retention of %s: %w", local, err)
	}
	return nil
}
