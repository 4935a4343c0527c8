package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

type recoverKeyRequest struct {
	RecoveryCode string `json:"recovery_code"`
}

type recoverKeyResponse struct {
	PublicKeyID string `json:"public_key_id"`
}

// apiOldKeyRecover is POST /api/v1/me/keys/recover {recovery_code}: a recovery code of a key
// pair from before a reset without one opens that key pair again for this account.
func (h *HTTP) apiOldKeyRecover(c *fiber.Ctx, s *Session) error {
	var in recoverKeyRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	id, err := h.svc.RecoverOldKey(c.UserContext(), s, in.RecoveryCode, clientOf(c))
	if err != nil {
		return withField(err, "recovery_code")
	}
	return request.JSON(c, fiber.StatusOK, recoverKeyResponse{PublicKeyID: id})
}
