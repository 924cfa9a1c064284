"""Seed the demo world into the local AWS: user pool, identity pool, roles, bucket, table, API.

The same code seeds ``cognito-desktop sandbox`` and the test fixtures, so what
the tests prove is what a newcomer sees.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import boto3

from .emulator import ROOT_ACCESS_KEY, ROOT_SECRET_KEY
from .seed_dynamodb import TABLE, dynamodb_statements, seed_table
from .seed_s3 import BUCKET, VERSIONED_BUCKET, s3_statements, seed_bucket

REDIRECT_URI = "http://localhost/cognito-desktop/callback"
LOGOUT_URI = "http://localhost/cognito-desktop/signed-out"
SCOPES = ("openid", "email", "profile")
API_STAGE = "demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    email: str
    groups: tuple[str, ...] = ()


OPERATOR = DemoUser("operator", "Operator-Passw0rd!", "operator@example.com", ("operators",))
PLAIN_USER = DemoUser("viewer", "Viewer-Passw0rd!", "viewer@example.com")


@dataclass
class World:
    """Everything the seeding made, as the sandbox prints it and the tests use it."""

    endpoint: str
    region: str
    user_pool_id: str
    user_pool_client_id: str
    issuer: str
    hosted_ui_url: str
    redirect_uri: str
    scopes: tuple[str, ...]
    identity_pool_id: str
    authenticated_role_arn: str
    guest_role_arn: str
    bucket: str
    table: str
    api_id: str
    api_url: str
    users: list[DemoUser] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["scopes"] = list(self.scopes)
        data["users"] = [
            {
                "username": u.username,
                "password": u.password,
                "email": u.email,
                "groups": list(u.groups),
            }
            for u in self.users
        ]
        return data


def _client(service: str, endpoint: str, region: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=ROOT_ACCESS_KEY,
        aws_secret_access_key=ROOT_SECRET_KEY,
    )


def seed(endpoint: str, region: str) -> World:
    """Create the demo world on a fresh emulator and describe it."""
    idp = _client("cognito-idp", endpoint, region)
    pool_id, client_id = _seed_user_pool(idp)
    issuer = f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"

    identity = _client("cognito-identity", endpoint, region)
    identity_pool_id = identity.create_identity_pool(
        IdentityPoolName="cognito_desktop_demo",
        AllowUnauthenticatedIdentities=True,
        AllowClassicFlow=True,
        CognitoIdentityProviders=[
            {
                "ProviderName": issuer.removeprefix("https://"),
                "ClientId": client_id,
                "ServerSideTokenCheck": False,
            }
        ],
    )["IdentityPoolId"]

    api_id = _seed_api(_client("apigateway", endpoint, region))
    account = "000000000000"
    iam = _client("iam", endpoint, region)
    auth_role, guest_role = _seed_roles(iam, identity_pool_id, region, account, api_id)
    identity.set_identity_pool_roles(
        IdentityPoolId=identity_pool_id,
        Roles={"authenticated": auth_role, "unauthenticated": guest_role},
    )
    seed_bucket(_client("s3", endpoint, region))
    seed_table(
        boto3.resource(
            "dynamodb",
            endpoint_url=endpoint,
            region_name=region,
            aws_access_key_id=ROOT_ACCESS_KEY,
            aws_secret_access_key=ROOT_SECRET_KEY,
        )
    )
    return World(
        endpoint=endpoint,
        region=region,
        user_pool_id=pool_id,
        user_pool_client_id=client_id,
        issuer=issuer,
        hosted_ui_url=endpoint,
        redirect_uri=REDIRECT_URI,
        scopes=SCOPES,
        identity_pool_id=identity_pool_id,
        authenticated_role_arn=auth_role,
        guest_role_arn=guest_role,
        bucket=BUCKET,
        table=TABLE,
        api_id=api_id,
        api_url=f"{endpoint}/_aws/execute-api/{api_id}/{API_STAGE}",
        users=[OPERATOR, PLAIN_USER],
    )


def _seed_user_pool(idp: Any) -> tuple[str, str]:
    pool_id = idp.create_user_pool(
        PoolName="cognito-desktop-demo",
        AutoVerifiedAttributes=["email"],
        UsernameAttributes=[],
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": False, "Mutable": True}
        ],
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="cognito-desktop",
        GenerateSecret=False,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=list(SCOPES),
        CallbackURLs=[REDIRECT_URI],
        LogoutURLs=[LOGOUT_URI],
        SupportedIdentityProviders=["COGNITO"],
        ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"],
        EnableTokenRevocation=True,
    )["UserPoolClient"]["ClientId"]
    idp.create_group(
        UserPoolId=pool_id, GroupName="operators", Description="Operators of the demo world"
    )
    for user in (OPERATOR, PLAIN_USER):
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username=user.username,
            MessageAction="SUPPRESS",
            UserAttributes=[
                {"Name": "email", "Value": user.email},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "name", "Value": user.username.title()},
            ],
        )
        idp.admin_set_user_password(
            UserPoolId=pool_id, Username=user.username, Password=user.password, Permanent=True
        )
        for group in user.groups:
            idp.admin_add_user_to_group(UserPoolId=pool_id, Username=user.username, GroupName=group)
    return pool_id, client_id


def _trust(identity_pool_id: str, amr: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {"cognito-identity.amazonaws.com:aud": identity_pool_id},
                        "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr},
                    },
                }
            ],
        }
    )


def _seed_roles(
    iam: Any, identity_pool_id: str, region: str, account: str, api_id: str
) -> tuple[str, str]:
    bucket_arns = [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{VERSIONED_BUCKET}"]
    table_arn = f"arn:aws:dynamodb:{region}:{account}:table/{TABLE}"
    api_arn = f"arn:aws:execute-api:{region}:{account}:{api_id}/{API_STAGE}"
    # Each service's module says what each role may do there; the difference
    # between the two roles is what the panels show as "allowed" and "denied".
    authenticated = {
        "Version": "2012-10-17",
        "Statement": [
            *s3_statements(bucket_arns, "authenticated"),
            *dynamodb_statements(table_arn, "authenticated"),
            {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": f"{api_arn}/*"},
        ],
    }
    guest = {
        "Version": "2012-10-17",
        "Statement": [
            *s3_statements(bucket_arns, "guest"),
            *dynamodb_statements(table_arn, "guest"),
            {
                "Effect": "Allow",
                "Action": "execute-api:Invoke",
                "Resource": f"{api_arn}/GET/public",
            },
        ],
    }
    arns = []
    for name, amr, policy in (
        ("cognito-desktop-demo-authenticated", "authenticated", authenticated),
        ("cognito-desktop-demo-guest", "unauthenticated", guest),
    ):
        arn = iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=_trust(identity_pool_id, amr)
        )["Role"]["Arn"]
        iam.put_role_policy(
            RoleName=name, PolicyName="demo-access", PolicyDocument=json.dumps(policy)
        )
        arns.append(arn)
    return arns[0], arns[1]


# (path, method, authorization). The guest role may only call GET /public; the
# authenticated role may call them all. /files/{name} takes a path parameter
# (percent-encoded names reach it decoded) and /echo/{proxy+} answers any method
# on any deeper path, so the console can try paths that need encoding.
API_METHODS = (
    ("items", "GET", "AWS_IAM"),
    ("items", "POST", "AWS_IAM"),
    ("public", "GET", "AWS_IAM"),
    ("open", "GET", "NONE"),
    ("files/{name}", "GET", "AWS_IAM"),
    ("echo/{proxy+}", "ANY", "AWS_IAM"),
)
# GET /items lists this many demo items: a response larger than a screen.
API_ITEM_COUNT = 200


def _api_response_body(path: str, method: str, authorization: str) -> str:
    """The MOCK answer of one method (static: the local AWS renders no template)."""
    body: dict[str, Any] = {"path": f"/{path}", "method": method, "auth": authorization}
    if (path, method) == ("items", "GET"):
        body["items"] = [
            {"id": f"item-{n:04d}", "name": f"Demo item {n}", "price": round(n * 1.25, 2)}
            for n in range(API_ITEM_COUNT)
        ]
    return json.dumps(body)


def _seed_api(apigw: Any) -> str:
    api_id: str = apigw.create_rest_api(
        name="cognito-desktop-demo",
        description="IAM-protected demo API",
        endpointConfiguration={"types": ["REGIONAL"]},
    )["id"]
    resources: dict[str, str] = {
        "": next(
            r["id"] for r in apigw.get_resources(restApiId=api_id)["items"] if r["path"] == "/"
        )
    }

    def resource_for(path: str) -> str:
        if path not in resources:
            parent, _, part = path.rpartition("/")
            resources[path] = apigw.create_resource(
                restApiId=api_id, parentId=resource_for(parent), pathPart=part
            )["id"]
        return resources[path]

    for path, method, authorization in API_METHODS:
        resource_id = resource_for(path)
        apigw.put_method(
            restApiId=api_id,
            resourceId=resource_id,
            httpMethod=method,
            authorizationType=authorization,
        )
        apigw.put_integration(
            restApiId=api_id,
            resourceId=resource_id,
            httpMethod=method,
            type="MOCK",
            requestTemplates={"application/json": '{"statusCode": 200}'},
        )
        apigw.put_method_response(
            restApiId=api_id, resourceId=resource_id, httpMethod=method, statusCode="200"
        )
        apigw.put_integration_response(
            restApiId=api_id,
            resourceId=resource_id,
            httpMethod=method,
            statusCode="200",
            responseTemplates={"application/json": _api_response_body(path, method, authorization)},
        )
    apigw.create_deployment(restApiId=api_id, stageName=API_STAGE)
    return api_id
