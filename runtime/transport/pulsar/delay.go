package pulsar

import (
	"context"
	"fmt"
	"strconv"
	"time"

	pc "github.com/apache/pulsar-client-go/pulsar"

	"github.com/infgen/infgen/runtime/transport"
)

// startForwarder subscribes this process to the delay topic. Every Transport
// runs one, on one Shared subscription, so delayed messages are forwarded as
// long as any infgen process is up, and each is forwarded by one of them.
func (t *Transport) startForwarder(ctx context.Context) error {
	_, err := t.subscribe(ctx, subOptions{topic: delayTopic, name: delaySubscription, mode: transport.Shared,
		concurrency: forwarderConcurrency, nackDelay: defaultNackDelay}, t.forward)
	if err != nil {
		return fmt.Errorf("pulsar: start the delayed-message forwarder: %w", err)
	}
	return nil
}

// forward republishes a due delayed message to its target topic, without
// the target property; the delayed message is acknowledged only after the
// broker has the republished one, so a crash in between duplicates it
// rather than losing it.
func (t *Transport) forward(ctx context.Context, m pc.Message, _ int) error {
	props := m.Properties()
	target := props[propTarget]
	if target == "" {
		t.log.Error("pulsar: delayed message without a target topic; dropped",
			"topic", m.Topic(), "id", m.ID().String(), "property", propTarget)
		return nil
	}
	if early, err := t.holdUntilDue(ctx, m); early || err != nil {
		return err
	}
	var headers map[string]string
	for k, v := range props {
		if k == propTarget || k == propDueAt {
			continue
		}
		if headers == nil {
			headers = make(map[string]string, len(props))
		}
		headers[k] = v
	}
	ctx, cancel := context.WithTimeout(ctx, t.cfg.OperationTimeout)
	defer cancel()
	err := t.send(ctx, target, &pc.ProducerMessage{Payload: m.Payload(), Key: m.Key(), Properties: headers}, false)
	if err != nil {
		return fmt.Errorf("forward delayed message %s to %q: %w", m.ID(), target, err)
	}
	return nil
}

// maxHold is the longest a forwarder waits for an early delayed message
// before sending it back to the delay topic.
const maxHold = 5 * time.Second

// holdUntilDue makes sure a delayed message is never forwarded before its
// due time. Unless the broker runs with isDelayedDeliveryDeliverAtTimeStrict,
// it may dispatch a delayed message up to one tick early; the forwarder then
// waits for the rest. A message far from due (clock skew, odd broker
// settings) goes back to the delay topic, and holdUntilDue reports early.
func (t *Transport) holdUntilDue(ctx context.Context, m pc.Message) (early bool, err error) {
	micros, perr := strconv.ParseInt(m.Properties()[propDueAt], 10, 64)
	if perr != nil {
		return false, nil // no due time recorded: forward now
	}
	due := time.UnixMicro(micros)
	wait := time.Until(due)
	if wait <= 0 {
		return false, nil
	}
	if wait <= maxHold {
		select {
		case <-time.After(wait):
			return false, nil
		case <-ctx.Done():
			return true, ctx.Err()
		}
	}
	ctx, cancel := context.WithTimeout(ctx, t.cfg.OperationTimeout)
	defer cancel()
	err = t.send(ctx, delayTopic, &pc.ProducerMessage{Payload: m.Payload(), Key: m.Key(), Properties: m.Properties(), DeliverAt: due}, false)
	if err != nil {
		return true, fmt.Errorf("requeue early delayed message %s (due %s): %w", m.ID(), due.Format(time.RFC3339Nano), err)
	}
	return true, nil
}
