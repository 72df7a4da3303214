package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// AddrFile is the file beside an embedded state file in which the worker
// that holds the file records its admin address.
func AddrFile(statePath string) string { return statePath + ".admin" }

// addrRecord is the content of an AddrFile.
type addrRecord struct {
	Addr string `json:"addr"`
	PID  int    `json:"pid"`
}

// WriteAddrFile records addr beside the state file.
func WriteAddrFile(statePath, addr string) error {
	data, err := json.Marshal(addrRecord{Addr: addr, PID: os.Getpid()})
	if err != nil {
		return err
	}
	if err := os.WriteFile(AddrFile(statePath), append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("admin API: record the address beside the state file: %w", err)
	}
	return nil
}

// RemoveAddrFile removes the record, if it is this process's.
func RemoveAddrFile(statePath string) error {
	addr, pid, err := ReadAddrFile(statePath)
	if err != nil || addr == "" || pid != os.Getpid() {
		return err
	}
	return os.Remove(AddrFile(statePath))
}

// ReadAddrFile returns the admin address recorded beside the state file and
// the pid of the process that recorded it ("" when there is none).
func ReadAddrFile(statePath string) (addr string, pid int, err error) {
	data, err := os.ReadFile(AddrFile(statePath))
	if errors.Is(err, fs.ErrNotExist) {
		return "", 0, nil
	}
	if err != nil {
		return "", 0, err
	}
	var rec addrRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return "", 0, fmt.Errorf("%s is corrupt (delete it): %w", AddrFile(statePath), err)
	}
	return rec.Addr, rec.PID, nil
}
