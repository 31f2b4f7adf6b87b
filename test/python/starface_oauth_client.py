#!/usr/bin/env python3
"""A STARFACE 10 OAuth client written the way public clients for a real PBX are (PZ's starface_calls.py), with
Python's standard library only: the password grant as a form POST with urllib, REST with Authorization: Bearer
and X-Version: 2, the UCI over XML-RPC with de.vertico.starface.jwt, the refresh grant, and a wrong secret.

The test (test/simulator/oauth-python-client.test.ts) passes {"pbx", "login", "password", "secret"} as the one
argument and reads one JSON object from stdout. Nothing here knows about the simulator.
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import xmlrpc.client

TOKEN_PATH = "/auth/realms/pbx/oauth2/token"


def post_form(url, fields):
    """The answer's status and JSON body; an HTTP error is an answer too."""
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def rest_get(pbx, path, access_token):
    request = urllib.request.Request(
        pbx + "/rest" + path,
        headers={"Authorization": "Bearer " + access_token, "X-Version": "2", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def uci(pbx, access_token):
    query = urllib.parse.urlencode({"de.vertico.starface.jwt": access_token})
    return xmlrpc.client.ServerProxy(pbx + "/xml-rpc?" + query, allow_none=False)


def main():
    args = json.loads(sys.argv[1])
    pbx = args["pbx"].rstrip("/")
    out = {}
    status, tokens = post_form(
        pbx + TOKEN_PATH,
        {
            "client_id": "rest-client-headless",
            "grant_type": "password",
            "scope": "login",
            "username": args["login"],
            "password": args["password"],
            "client_secret": args["secret"],
        },
    )
    out["grant"] = {"status": status, **{k: tokens.get(k) for k in ("expires_in", "refresh_expires_in", "token_type", "scope")}}
    access = tokens["access_token"]
    out["version"] = rest_get(pbx, "/server/version", access)
    out["me"] = rest_get(pbx, "/users/me", access)["login"]
    server = uci(pbx, access)
    out["uciLogin"] = server.ucp.v22.requests.connection.login()
    out["uciVersion"] = server.ucp.v30.requests.system.getServerVersion()
    out["uciLogout"] = server.ucp.v22.requests.connection.logout()
    status, refreshed = post_form(
        pbx + TOKEN_PATH,
        {
            "client_id": "rest-client-headless",
            "grant_type": "refresh_token",
            "client_secret": args["secret"],
            "refresh_token": tokens["refresh_token"],
        },
    )
    out["refresh"] = {"status": status, "me": rest_get(pbx, "/users/me", refreshed["access_token"])["login"]}
    status, refused = post_form(
        pbx + TOKEN_PATH,
        {
            "client_id": "rest-client-headless",
            "grant_type": "password",
            "scope": "login",
            "username": args["login"],
            "password": args["password"],
            "client_secret": "wrong",
        },
    )
    out["wrongSecret"] = {"status": status, "error": refused.get("error")}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
