package main

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"time"
)

// accessClaims mirrors the claims of the server's access tokens, so a token minted with the
// server's secret passes its parser without a login (logins hash passwords on purpose slowly,
// which would dominate a first-view benchmark over many users).
type accessClaims struct {
	Subject       string `json:"sub"`
	CorporationID int64  `json:"cid"`
	Role          string `json:"role"`
	Type          string `json:"typ"`
	Issuer        string `json:"iss"`
	Audience      string `json:"aud"`
	ExpiresAt     int64  `json:"exp"`
	IssuedAt      int64  `json:"iat"`
	ID            string `json:"jti"`
}

// mintAccess signs an HS256 access token for the user.
func mintAccess(secret []byte, userID, corporationID int64, role string, ttl time.Duration) (string, error) {
	if len(secret) < 32 {
		return "", errors.New("the secret must be at least 32 bytes, as the server requires")
	}
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", err
	}
	now := time.Now().Truncate(time.Second)
	payload, err := json.Marshal(accessClaims{
		Subject: strconv.FormatInt(userID, 10), CorporationID: corporationID, Role: role, Type: "access",
		Issuer: "vms", Audience: "vms-api", ExpiresAt: now.Add(ttl).Unix(), IssuedAt: now.Unix(), ID: hex.EncodeToString(jti),
	})
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	unsigned := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString(payload)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(unsigned))
	return unsigned + "." + enc.EncodeToString(mac.Sum(nil)), nil
}

func runMint(args []string) error {
	fs := flag.NewFlagSet("mint", flag.ContinueOnError)
	secret := fs.String("secret", "", "the server's JWT_SECRET")
	user := fs.Int64("user", 0, "user id")
	corp := fs.Int64("cid", 0, "corporation id")
	role := fs.String("role", "guest", "role claim")
	ttl := fs.Duration("ttl", 10*time.Minute, "lifetime")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tok, err := mintAccess([]byte(*secret), *user, *corp, *role, *ttl)
	if err != nil {
		return err
	}
	fmt.Println(tok)
	return nil
}
