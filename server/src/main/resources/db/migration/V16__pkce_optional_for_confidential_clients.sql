-- PKCE was required of every client with the authorization code grant. The guide's flow sends no
-- code_challenge and proves a confidential client by its secret at the exchange, so a client written from it
-- was refused at /oauth2/authorize. PKCE is now required of public clients only (Clients), and the clients
-- registered before follow the same rule: a confidential client may still use it, and a code requested with a
-- challenge still needs its verifier.
UPDATE oauth2_registered_client
SET client_settings = REPLACE(client_settings, '"settings.client.require-proof-key":true',
                              '"settings.client.require-proof-key":false')
WHERE client_authentication_methods <> 'none' AND client_secret IS NOT NULL;
