package audit

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// cursor is the position after the last event of a page: List continues with events older
// than (at, id). It travels as opaque text; it carries no tenant, so a cursor can only ever
// page through the tenant the caller asks for.
type cursor struct {
	at time.Time
	id string
}

const cursorVersion = "1"

func (c cursor) encode() string {
	raw := cursorVersion + "." + strconv.FormatInt(c.at.UnixMicro(), 10) + "." + c.id
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decodeCursor(s string) (cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, fmt.Errorf("%w: malformed cursor", ErrInvalid)
	}
	parts := strings.SplitN(string(raw), ".", 3)
	if len(parts) != 3 || parts[0] != cursorVersion || parts[2] == "" || len(parts[2]) > maxIDLen {
		return cursor{}, fmt.Errorf("%w: malformed cursor", ErrInvalid)
	}
	us, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return cursor{}, fmt.Errorf("%w: malformed cursor", ErrInvalid)
	}
	return cursor{at: time.UnixMicro(us).UTC(), id: parts[2]}, nil
}
