#!/usr/bin/env python3
"""boto3/botocore as a GameLift test client for Joinery's e2e tests.

Reads one JSON request per line on stdin and answers one JSON line on stdout:

  {"id": 1, "protocol": "cbor" | "json", "op": "create_game_session", "params": {...},
   "credentials": {"accessKeyId": ..., "secretAccessKey": ...}?, "skewSeconds": 0?}
  -> {"id": 1, "ok": true, "output": {...}, "wire": {...}}
  -> {"id": 1, "ok": false, "error": {"code", "message", "status", "class"}, "wire": {...}}

Everything on the wire is botocore's own: its serializer builds the request,
its SigV4 signer signs it and its response parser (RpcV2CBORParser for CBOR,
JSONParser for JSON) decodes every answer. `wire` says what went and came
back (path, the headers the protocol is about, the parser's class), so a test
can check that the protocol it asked for is the one used.

Protocol choice: botocore 1.43 reads the model's `"protocols":
["smithy-rpc-v2-cbor", "json"]` in the order of its own priority list, which
puts `json` first. The CBOR client puts `smithy-rpc-v2-cbor` first in that
list, as a botocore that prefers CBOR would; the JSON client's model lists
`json` only (as GameLift's model did before CBOR).

Joinery's game-server calls (ActivateGameSession, AcceptPlayerSession,
RemovePlayerSession, UpdatePlayerSessionCreationPolicy) are not in the AWS
model; they are added to the loaded model so that botocore's codecs carry them too.
"""

import base64
import copy
import datetime
import json
import sys
import traceback

MIN_BOTOCORE = (1, 35)  # RPC v2 CBOR arrived in botocore's 1.3x series; 1.43 is what the tests are written for

try:
    import botocore
    import botocore.auth
    import botocore.config
    import botocore.exceptions
    import botocore.model
    import botocore.parsers
    import botocore.session
except ImportError as error:  # pragma: no cover - reported to the test, which fails with this message
    print(json.dumps({"fatal": f"botocore is not importable by {sys.executable}: {error}"}), flush=True)
    sys.exit(3)

CBOR = "smithy-rpc-v2-cbor"

if CBOR not in botocore.parsers.PROTOCOL_PARSERS:
    print(json.dumps({"fatal": f"botocore {botocore.__version__} has no {CBOR} support"}), flush=True)
    sys.exit(3)

# A botocore that prefers CBOR: the same list with smithy-rpc-v2-cbor moved to the front.
botocore.model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS = (CBOR,) + tuple(
    p for p in botocore.model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS if p != CBOR
)

GAME_SESSION_ID = {"shape": "ArnStringModel"}
SERVER_OPERATIONS = {
    "ActivateGameSession": {"GameSessionId": GAME_SESSION_ID},
    "AcceptPlayerSession": {"GameSessionId": GAME_SESSION_ID, "PlayerSessionId": {"shape": "PlayerSessionId"}},
    "RemovePlayerSession": {"GameSessionId": GAME_SESSION_ID, "PlayerSessionId": {"shape": "PlayerSessionId"}},
    "UpdatePlayerSessionCreationPolicy": {
        "GameSessionId": GAME_SESSION_ID,
        "PlayerSessionCreationPolicy": {"shape": "PlayerSessionCreationPolicy"},
    },
}
SERVER_OUTPUTS = {
    "ActivateGameSession": {"GameSession": {"shape": "GameSession"}},
    "AcceptPlayerSession": {"PlayerSession": {"shape": "PlayerSession"}},
    "RemovePlayerSession": {"PlayerSession": {"shape": "PlayerSession"}},
    "UpdatePlayerSessionCreationPolicy": {"GameSession": {"shape": "GameSession"}},
}


def add_server_operations(model):
    shapes = model["shapes"]
    for name, members in SERVER_OPERATIONS.items():
        required = list(members)
        shapes[f"{name}Input"] = {"type": "structure", "required": required, "members": members}
        shapes[f"{name}Output"] = {"type": "structure", "members": SERVER_OUTPUTS[name]}
        model["operations"][name] = {
            "name": name,
            "http": {"method": "POST", "requestUri": "/"},
            "input": {"shape": f"{name}Input"},
            "output": {"shape": f"{name}Output"},
            "errors": [
                {"shape": "NotFoundException"},
                {"shape": "InvalidRequestException"},
                {"shape": "InvalidGameSessionStatusException"},
                {"shape": "UnauthorizedException"},
            ],
        }
    for shape in ("ArnStringModel", "PlayerSessionId", "PlayerSessionCreationPolicy", "GameSession", "PlayerSession"):
        if shape not in shapes:
            raise RuntimeError(f"the gamelift model has no shape {shape}")


def new_session(protocol):
    session = botocore.session.Session()
    loader = session.get_component("data_loader")
    # The loader caches the model it returns: changes to it are what create_client sees.
    model = loader.load_service_model("gamelift", "service-2")
    if "ActivateGameSession" not in model["operations"]:
        add_server_operations(model)
    if protocol == "json":
        model["metadata"]["protocols"] = ["json"]
        model["metadata"]["protocol"] = "json"
    elif CBOR not in model["metadata"].get("protocols", []):
        raise RuntimeError(f"botocore's gamelift model does not list {CBOR}: {model['metadata'].get('protocols')}")
    return session


SESSIONS = {}
CLIENTS = {}
WIRE = {}


def record_request(request, **_):
    WIRE["request"] = {
        "method": request.method,
        "url": request.url,
        "headers": {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()},
        "bodyBase64": base64.b64encode(request.body or b"").decode(),
    }


def record_response(operation_model, response_dict, **_):
    protocol = operation_model.service_model.resolved_protocol
    WIRE["response"] = {
        "status": response_dict["status_code"],
        "headers": {k.lower(): v for k, v in response_dict["headers"].items()},
        "protocol": protocol,
        "parser": botocore.parsers.PROTOCOL_PARSERS[protocol].__name__,
    }


def client_for(protocol, endpoint, region, credentials):
    key = (protocol, endpoint, region, credentials["accessKeyId"], credentials["secretAccessKey"])
    if key not in CLIENTS:
        if protocol not in SESSIONS:
            SESSIONS[protocol] = new_session(protocol)
        client = SESSIONS[protocol].create_client(
            "gamelift",
            region_name=region,
            endpoint_url=endpoint,
            aws_access_key_id=credentials["accessKeyId"],
            aws_secret_access_key=credentials["secretAccessKey"],
            # One attempt: a retry must never hide an error.
            config=botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"}),
        )
        client.meta.events.register("before-send.gamelift.*", record_request)
        client.meta.events.register("before-parse.gamelift.*", record_response)
        expected = CBOR if protocol == "cbor" else "json"
        if client.meta.service_model.resolved_protocol != expected:
            raise RuntimeError(f"asked for {expected}, botocore chose {client.meta.service_model.resolved_protocol}")
        CLIENTS[key] = client
    return CLIENTS[key]


def plain(value):
    """Botocore's parsed output as JSON: datetimes as {"$date": epoch seconds}, bytes as {"$bytes": base64}."""
    if isinstance(value, datetime.datetime):
        return {"$date": value.timestamp()}
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": base64.b64encode(value).decode()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def handle(message, defaults):
    protocol = message.get("protocol", "cbor")
    credentials = message.get("credentials") or defaults["credentials"]
    client = client_for(protocol, defaults["endpoint"], message.get("region", defaults["region"]), credentials)
    skew = message.get("skewSeconds", 0)
    original_now = botocore.auth.get_current_datetime
    if skew:
        botocore.auth.get_current_datetime = lambda: original_now() + datetime.timedelta(seconds=skew)
    WIRE.clear()
    try:
        output = getattr(client, message["op"])(**message.get("params", {}))
        output.pop("ResponseMetadata", None)
        return {"ok": True, "output": plain(output), "wire": copy.deepcopy(WIRE)}
    except botocore.exceptions.ClientError as error:
        return {
            "ok": False,
            "error": {
                "code": error.response["Error"]["Code"],
                "message": error.response["Error"].get("Message", ""),
                "status": error.response["ResponseMetadata"].get("HTTPStatusCode"),
                "class": type(error).__name__,
            },
            "wire": copy.deepcopy(WIRE),
        }
    except botocore.exceptions.ParamValidationError as error:
        return {"ok": False, "error": {"code": "ParamValidationError", "message": str(error), "class": "local"}}
    finally:
        botocore.auth.get_current_datetime = original_now


def main():
    if len(sys.argv) != 5:
        print("usage: gamelift_botocore.py <endpoint> <region> <access key id> <secret>", file=sys.stderr)
        return 2
    version = tuple(int(p) for p in botocore.__version__.split(".")[:2])
    if version < MIN_BOTOCORE:
        print(json.dumps({"fatal": f"botocore {botocore.__version__} is older than {MIN_BOTOCORE}"}), flush=True)
        return 3
    endpoint, region, key, secret = sys.argv[1:]
    defaults = {"endpoint": endpoint, "region": region, "credentials": {"accessKeyId": key, "secretAccessKey": secret}}
    print(json.dumps({"ready": True, "botocore": botocore.__version__, "python": sys.version.split()[0]}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        message = json.loads(line)
        try:
            answer = handle(message, defaults)
        except Exception as error:  # a crash in botocore (e.g. parsing an answer) is a test failure, reported as such
            answer = {"ok": False, "crash": f"{type(error).__name__}: {error}", "trace": traceback.format_exc()}
        answer["id"] = message.get("id")
        print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
