//! The OpenAPI 3.1 document of every endpoint, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes::{
    automatic, events, exports, files, health, history, payments, pix, qr_codes, refunds, schedules, webhooks,
};

/// The API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Settlement Service API", version = "1.0.0",
        description = "Pix settlement: payment requests, their status lifecycle and two-step credit confirmation. \
                       Every endpoint but health, readiness, metrics and this document needs a Bearer JWT with the scope it names."),
    paths(
        health::health, health::ready,
        payments::create, payments::list, payments::get, payments::cancel, payments::update_status,
        payments::confirm_credit, payments::credit,
        refunds::request_refund, refunds::get_refund, refunds::update_refund_status, refunds::refund_history,
        refunds::list_payment_refunds, refunds::list_refunds,
        qr_codes::create, qr_codes::list, qr_codes::get, qr_codes::by_txid, qr_codes::deactivate,
        qr_codes::validate, qr_codes::decode, qr_codes::picture,
        pix::charge, pix::jwks,
        files::import, files::list, files::get, files::records, files::process, files::export,
        files::reconciliation, exports::list_exports, exports::get_export, exports::export_file, history::file_export,
        schedules::create, schedules::list, schedules::get, schedules::update, schedules::cancel,
        schedules::pause, schedules::resume, schedules::runs,
        automatic::list_payments, automatic::create_payment, automatic::get_payment, automatic::cancel_payment,
        automatic::confirm_payment, automatic::create_authorization, automatic::list_authorizations,
        automatic::get_authorization, automatic::approve_authorization, automatic::reject_authorization,
        automatic::cancel_authorization, automatic::confirm_authorization, automatic::wallets,
        automatic::create_wallet, automatic::grant_product, automatic::revoke_product,
        history::payment, history::qr_code, history::file_import, history::schedule,
        automatic::payment_history, automatic::authorization_history,
        webhooks::create, webhooks::list, webhooks::get, webhooks::update, webhooks::delete, webhooks::rotate_secret,
        webhooks::deliveries, webhooks::retry, webhooks::replay, events::list,
    ),
    components(schemas(crate::error::Envelope, crate::error::ErrorBody)),
    modifiers(&BearerAuth, &CommonErrors, &PositiveIds, &CreatedLinks),
    servers((url = "/", description = "The server that serves this document; the API is under /api/v1")),
    tags(
        (name = "health", description = "Liveness and readiness, for load balancers and orchestrators"),
        (name = "payments", description = "Payment requests and their status lifecycle"),
        (name = "credit", description = "The creditor institution's confirmation that a completed payment was credited"),
        (name = "refunds", description = "Refunds (devoluções) of completed payments, in the Central Bank's model"),
        (name = "qr-codes", description = "BR Code QR codes: issued, read, validated, decoded and drawn"),
        (name = "pix", description = "What payers' apps fetch: dynamic QR codes' charges and the key that signs them"),
        (name = "files", description = "Payment files imported and exported: CSV, JSON, CNAB240 and CNAB400, remessas and retornos"),
        (name = "schedules", description = "Recurring payments made from a template"),
        (name = "pix-automatic", description = "Pix Automático: authorizations, automatic payments, wallets and product grants"),
        (name = "webhooks", description = "Webhook endpoints, their deliveries, and the event feed"),
    ),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// The refusals any operation may give, documented on each with the error envelope, so that a
/// client (and a schema checker) knows every status it can meet: 400 for any operation with
/// parameters or a body, 401 and 403 for those that need a token, 404 for those with a path
/// parameter, 409 `NONCE_REUSED` for those that change state under a `nonce` header, 413 for
/// those with a body, and 503 for those that reach the database.
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{Operation, ParameterIn};
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};

        let refusal = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("Envelope"))).build(),
                )
                .build()
        };
        let add = |operation: &mut Operation, reads: bool| {
            let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
            let parameters = operation.parameters.as_deref().unwrap_or_default();
            let in_path = parameters.iter().any(|p| p.parameter_in == ParameterIn::Path);
            let body = operation.request_body.is_some();
            let mut codes = Vec::new();
            if body || !parameters.is_empty() {
                codes.push(("400", "The request breaks a rule; the message names the field"));
            }
            if secured {
                codes.push(("401", "No valid token"));
                codes.push(("403", "The token lacks the scope, or the caller may not act on this"));
                codes.push(("503", "The database is unavailable; retry later"));
            }
            if in_path {
                codes.push(("404", "Not found"));
            }
            if !reads && parameters.iter().any(|p| p.name == "nonce") {
                codes.push(("409", "NONCE_REUSED: the nonce was used in the last 24 hours; nothing was changed"));
            }
            if body {
                codes.push(("413", "The body is over its limit"));
            }
            for (code, description) in codes {
                operation.responses.responses.entry(code.to_owned()).or_insert_with(|| refusal(description).into());
            }
        };
        for item in openapi.paths.paths.values_mut() {
            if let Some(get) = &mut item.get {
                add(get, true);
            }
            for operation in [&mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten() {
                add(operation, false);
            }
        }
    }
}

/// Every integer id in a path is at least 1: the server refuses the rest with a 400, and the
/// document says so (a client generating requests from it then reaches the handlers).
struct PositiveIds;

impl Modify for PositiveIds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::Number;
        use utoipa::openapi::RefOr;
        use utoipa::openapi::path::ParameterIn;
        use utoipa::openapi::schema::{Schema, SchemaType, Type};

        for item in openapi.paths.paths.values_mut() {
            let operations =
                [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten();
            for parameter in operations.flat_map(|operation| operation.parameters.iter_mut().flatten()) {
                if parameter.parameter_in != ParameterIn::Path {
                    continue;
                }
                if let Some(RefOr::T(Schema::Object(object))) = &mut parameter.schema
                    && object.schema_type == SchemaType::Type(Type::Integer)
                {
                    object.minimum = Some(Number::Int(1));
                }
            }
        }
    }
}

/// Links from each operation that creates an object (a `POST` answering 201 with the object's
/// `id`) to every operation on that object (the paths under the collection's `/{id}`), so that
/// a client, or a stateful test generator, can follow a creation to what it made. Derived from
/// the paths, so a new operation on an object is linked without being listed here.
struct CreatedLinks;

impl Modify for CreatedLinks {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        use utoipa::openapi::link::LinkBuilder;

        let paths: Vec<String> = openapi.paths.paths.keys().cloned().collect();
        let pointer = |path: &str| path.replace('~', "~0").replace('/', "~1");
        for collection in &paths {
            // Items live under the collection (`/payments/{id}`) or its plural (`/files/import`
            // creates `/files/imports/{id}`).
            let items: Vec<(&String, String)> = paths
                .iter()
                .filter_map(|path| {
                    let rest = path.strip_prefix(collection.as_str())?;
                    let rest = rest.strip_prefix("/{").or_else(|| rest.strip_prefix("s/{"))?;
                    let name = rest.split('}').next()?.to_owned();
                    Some((path, name))
                })
                .collect();
            let mut links = Vec::new();
            // What exists only once another operation made it (a credit confirmation, a
            // retorno's reconciliation) is no follow-up a creation promises.
            let later = ["/confirm-credit", "/reconciliation"];
            for (path, name) in items.into_iter().filter(|(path, _)| !later.iter().any(|end| path.ends_with(end))) {
                let item = &openapi.paths.paths[path];
                let methods = [
                    ("get", &item.get),
                    ("put", &item.put),
                    ("post", &item.post),
                    ("patch", &item.patch),
                    ("delete", &item.delete),
                ];
                for (method, operation) in methods {
                    if operation.is_some() {
                        let link = LinkBuilder::new()
                            .operation_ref(format!("#/paths/{}/{method}", pointer(path)))
                            .parameter(name.clone(), "$response.body#/id")
                            .build();
                        links.push((format!("{method} {path}"), link));
                    }
                }
            }
            let Some(create) = openapi.paths.paths.get_mut(collection).and_then(|item| item.post.as_mut()) else {
                continue;
            };
            if let Some(RefOr::T(created)) = create.responses.responses.get_mut("201") {
                for (name, link) in links {
                    created.links.insert(name, RefOr::T(link));
                }
            }
        }
    }
}

/// `GET /api/v1/openapi.json`: built once.
pub async fn document() -> axum::Json<serde_json::Value> {
    static DOCUMENT: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    axum::Json(DOCUMENT.get_or_init(served).clone())
}

/// The document as served. utoipa 5.5 writes a link's fields in snake case (`operation_ref`),
/// where OpenAPI spells them in camel case (`operationRef`): renamed here, or no client would
/// see where a link leads.
fn served() -> serde_json::Value {
    let mut document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    let operations = document["paths"].as_object_mut().into_iter().flat_map(|paths| paths.values_mut());
    let operations = operations.filter_map(|item| item.as_object_mut()).flat_map(|item| item.values_mut());
    for operation in operations {
        let responses = operation["responses"].as_object_mut().into_iter().flat_map(|r| r.values_mut());
        let links = responses.filter_map(|response| response.get_mut("links")?.as_object_mut());
        for link in links.flat_map(|links| links.values_mut()).filter_map(|link| link.as_object_mut()) {
            for (snake, camel) in
                [("operation_ref", "operationRef"), ("operation_id", "operationId"), ("request_body", "requestBody")]
            {
                if let Some(value) = link.remove(snake) {
                    link.insert(camel.to_owned(), value);
                }
            }
        }
    }
    // What a file, an image or a signed charge is, for generators that read the schema to know
    // they hold bytes or text.
    let operations = document["paths"].as_object_mut().into_iter().flat_map(|paths| paths.values_mut());
    let operations = operations.filter_map(|item| item.as_object_mut()).flat_map(|item| item.values_mut());
    let responses = operations.filter_map(|operation| operation["responses"].as_object_mut());
    let contents = responses
        .flat_map(|responses| responses.values_mut())
        .filter_map(|response| response.get_mut("content")?.as_object_mut());
    for (media_type, content) in contents.flat_map(|content| content.iter_mut()) {
        let Some(content) = content.as_object_mut() else { continue };
        let schema = match media_type.as_str() {
            "application/jose" => serde_json::json!({
                "type": "string", "description": "A compact JWS: header.payload.signature, base64url",
                "pattern": "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"
            }),
            "application/json" => continue,
            text if text.starts_with("text/") => serde_json::json!({"type": "string"}),
            _ => serde_json::json!({"type": "string", "format": "binary"}),
        };
        // The bytes' own schema replaces the `String` an annotation names for them.
        content.insert("schema".to_owned(), schema);
    }
    // An operation without a token says so, rather than leaving a reader to wonder.
    let operations = document["paths"].as_object_mut().into_iter().flat_map(|paths| paths.values_mut());
    let operations = operations.filter_map(|item| item.as_object_mut()).flat_map(|item| item.values_mut());
    for operation in operations.filter_map(|operation| operation.as_object_mut()) {
        operation.entry("security").or_insert_with(|| serde_json::json!([]));
    }
    lists_of_names(&mut document);
    schedule_bodies(&mut document);
    document["webhooks"] = webhooks(&document);
    document
}

/// `POST /schedules` and `PUT /schedules/{id}` read one type, `ScheduleRequest`; each is
/// described as it is read: the create requires the template, the type, the first date and the
/// time, the update takes neither the template nor the type. `day_of_week` is a number 0-6 or
/// an English day's name, in any case.
fn schedule_bodies(document: &mut serde_json::Value) {
    let schemas = &mut document["components"]["schemas"];
    let Some(mut base) = schemas.as_object_mut().and_then(|schemas| schemas.remove("ScheduleRequest")) else { return };
    let days = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
    let any_case =
        |word: &str| -> String { word.chars().map(|c| format!("[{}{}]", c.to_ascii_uppercase(), c)).collect() };
    let names = days.iter().map(|day| any_case(day)).collect::<Vec<_>>().join("|");
    base["properties"]["day_of_week"] = serde_json::json!({
        "description": base["properties"]["day_of_week"]["description"],
        "oneOf": [
            {"type": "integer", "minimum": 0, "maximum": 6},
            {"type": "string", "pattern": format!(r"^\s*({names})\s*$")},
        ],
    });
    let mut create = base.clone();
    create["required"] = serde_json::json!(["payment_request_id", "type", "scheduled_date", "scheduled_time"]);
    // Required, so not null: `type: [T, "null"]` becomes `T`, a `oneOf` loses its null.
    for field in ["payment_request_id", "type", "scheduled_date", "scheduled_time"] {
        let property = &mut create["properties"][field];
        if let Some(types) = property["type"].as_array().cloned() {
            property["type"] = types.into_iter().find(|t| t != "null").unwrap_or_default();
        }
        let one_of = property.get("oneOf").and_then(|one_of| one_of.as_array()).cloned();
        if let Some(mut one_of) = one_of {
            one_of.retain(|variant| variant["type"] != "null");
            if let [only] = one_of.as_slice() {
                *property = only.clone();
            }
        }
    }
    let mut update = base;
    if let Some(properties) = update["properties"].as_object_mut() {
        properties.remove("payment_request_id");
        properties.remove("type");
    }
    update["description"] = serde_json::json!(
        "The body of `PUT /schedules/{id}`: every field optional; the template and the type cannot change."
    );
    schemas["ScheduleCreate"] = create;
    schemas["ScheduleUpdate"] = update;
    let reference = |name: &str| serde_json::json!({"$ref": format!("#/components/schemas/{name}")});
    for (path, method, name) in
        [("/api/v1/schedules", "post", "ScheduleCreate"), ("/api/v1/schedules/{id}", "put", "ScheduleUpdate")]
    {
        let body = &mut document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"];
        if body.is_object() {
            *body = reference(name);
        }
    }
}

/// The rules on lists of names that the annotations cannot state: an endpoint's event type
/// selectors (every type, every `prefix.*`, `*`), and the Pix Automático lists' `status`
/// (repeated, or names separated by commas).
fn lists_of_names(document: &mut serde_json::Value) {
    use settlement_core::automatic::{AuthorizationStatus, AutomaticPaymentStatus};
    use settlement_core::webhooks::catalogue::EVENT_TYPES;

    let mut selectors = vec!["*".to_owned()];
    for kind in EVENT_TYPES {
        let dots = kind.name.match_indices('.').map(|(at, _)| format!("{}*", &kind.name[..=at]));
        for selector in dots.chain([kind.name.to_owned()]) {
            if !selectors.contains(&selector) {
                selectors.push(selector);
            }
        }
    }
    for schema in ["EndpointRequest", "EndpointPatch"] {
        if let Some(items) = document["components"]["schemas"][schema]["properties"]["event_types"].get_mut("items") {
            *items = serde_json::json!({"type": "string", "enum": selectors});
        }
    }
    let selector_parameters = [("listEvents", "type")];
    let names = |all: &[&str]| {
        let one = format!(r"\s*({})\s*", all.join("|"));
        format!("^{one}(,{one})*$")
    };
    let statuses = [
        ("listAutomaticPayments", names(&AutomaticPaymentStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>())),
        (
            "listAutomaticAuthorizations",
            names(&AuthorizationStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        ),
    ];
    let operations = document["paths"].as_object_mut().into_iter().flat_map(|paths| paths.values_mut());
    let operations = operations.filter_map(|item| item.as_object_mut()).flat_map(|item| item.values_mut());
    for operation in operations {
        let id = operation["operationId"].as_str().unwrap_or_default().to_owned();
        for (_, name) in selector_parameters.iter().filter(|(operation_id, _)| *operation_id == id) {
            let parameters = operation["parameters"].as_array_mut().into_iter().flatten();
            for parameter in parameters.filter(|parameter| parameter["name"] == *name) {
                parameter["schema"] = serde_json::json!({"type": "string", "enum": selectors});
            }
        }
        let Some((_, pattern)) = statuses.iter().find(|(operation_id, _)| *operation_id == id) else { continue };
        let parameters = operation["parameters"].as_array_mut().into_iter().flatten();
        for parameter in parameters.filter(|parameter| parameter["name"] == "status") {
            parameter["schema"]["items"] = serde_json::json!({"type": "string", "pattern": pattern});
        }
    }
}

/// The deliveries, as OpenAPI 3.1 `webhooks`: one per event type, its body's `data` the schema
/// of the object it carries, and the Standard Webhooks headers.
fn webhooks(document: &serde_json::Value) -> serde_json::Value {
    use serde_json::json;
    use settlement_core::webhooks::catalogue::EVENT_TYPES;

    // The object each type's `data` is, by the longest prefix that names it.
    let objects = [
        ("payment.credit_confirmed", "CreditConfirmation"),
        ("payment.refund.", "Refund"),
        ("payment.", "Payment"),
        ("qr_code.", "QrCode"),
        ("file_import.", "FileImport"),
        ("file_export.", "FileExport"),
        ("schedule.", "Schedule"),
        ("automatic.authorization.", "Authorization"),
        ("automatic.payment.", "AutomaticPayment"),
    ];
    let header = |name: &str, description: &str| json!({"name": name, "in": "header", "required": true, "description": description, "schema": {"type": "string"}});
    let parameters = json!([
        header("webhook-id", "`evt_` and the event's id: the same on every attempt; deduplicate on it"),
        header("webhook-timestamp", "The attempt's Unix time, in seconds"),
        header(
            "webhook-signature",
            "`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` under the endpoint's secret (the bytes after \
             `whsec_`, base64-decoded); two, space-separated, for 24 hours after a rotation"
        ),
        header("webhook-event-type", "The event type, as in the body"),
    ]);
    let mut hooks = serde_json::Map::new();
    for kind in EVENT_TYPES {
        let object = objects.iter().find(|(prefix, _)| kind.name.starts_with(prefix)).map(|(_, schema)| *schema);
        let data = match object {
            Some(schema) if document["components"]["schemas"].get(schema).is_some() => {
                json!({"$ref": format!("#/components/schemas/{schema}")})
            }
            _ => json!({"type": "object"}),
        };
        let body = json!({
            "type": "object",
            "required": ["type", "timestamp", "data"],
            "properties": {
                "type": {"type": "string", "const": kind.name},
                "timestamp": {"type": "string", "format": "date-time", "description": "When the change happened"},
                "data": data,
            },
        });
        hooks.insert(
            kind.name.to_owned(),
            json!({"post": {
                "operationId": format!("on{}", pascal_case(kind.name)),
                "summary": kind.description,
                "description": format!(
                    "Delivered to endpoints whose owner reads it with `{}`. `data` is the object as its GET answers \
                     it; an event from a status change adds `data.change` (`from`, `to`, `actor`), a schedule run's \
                     adds `data.run`.",
                    kind.scope
                ),
                "tags": ["webhooks"],
                // Signed with the endpoint's secret (the headers), not sent with a token.
                "security": [],
                "parameters": parameters,
                "requestBody": {"required": true, "content": {"application/json": {"schema": body}}},
                "responses": {"2XX": {"description": "Received. Anything else, or no answer within 10 s, is retried."}},
            }}),
        );
    }
    serde_json::Value::Object(hooks)
}

/// `payment.refund.created` as `PaymentRefundCreated`: a webhook's operationId is `on` and this.
fn pascal_case(name: &str) -> String {
    name.split(['.', '_'])
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|first| first.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}
