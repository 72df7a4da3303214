package openapi

import "testing"

func TestCredentialName(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"X-Api-Key": true, "x-api-key": true, "api_key": true, "apiKey": true, "APIKEY": true, "key": true,
		"access_token": true, "accessToken": true, "X-Auth-Token": true, "token": true, "client_secret": true,
		"password": true, "Passwd": true, "Authorization": true, "Cookie": true, "X-Credentials": true,
		"X-Subscription-Key": true, "refresh_token": true,
		// Not credentials: pagination tokens, keys of data, descriptions of
		// a credential, words that only contain a credential word.
		"pageToken": false, "next_token": false, "continuationToken": false, "sortKey": false,
		"partition_key": false, "Idempotency-Key": false, "publicKey": false, "keyId": false,
		"token_type": false, "password_policy": false, "keyword": false, "monkey": false,
		"tokens_used": false, "secretary": false, "X-Request-ID": false, "name": false,
	} {
		if got := credentialName(name); got != want {
			t.Errorf("credentialName(%q) = %v, want %v", name, got, want)
		}
	}
}
