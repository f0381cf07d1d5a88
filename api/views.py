"""The API's views: a list per table (JSON or CSV, a page at a time), the whole table as one
CSV, the measure values write, the index and the schema.

Every response to a list carries an ETag (a hash of the body) and, where the table records when
rows change, a Last-Modified (the latest change on the page); a request repeating either
(If-None-Match / If-Modified-Since) gets 304 Not Modified. Responses may be kept by the client
but never by a shared cache (``Cache-Control: private, no-cache``)."""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction
from django.http import StreamingHttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.http import http_date
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.viewsets import GenericViewSet

from api import serializers as shapes
from api.audit import record_use
from api.authentication import ApiKeyAuthentication, ReadOnlySessionAuthentication
from api.filters import filterset_for
from api.models import IdempotentRequest
from api.pagination import TablePagination
from api.permissions import ApiAccess
from api.renderers import CSVRenderer, csv_lines
from api.scope import Scope
from api.services import measure_values_push
from api.tables import BY_NAME, TABLES, Table
from api.throttling import KeyRateThrottle

CSV_CHUNK = 2000
IDEMPOTENCY_HEADER = "HTTP_IDEMPOTENCY_KEY"


class ApiViewMixin:
    authentication_classes = [ApiKeyAuthentication, ReadOnlySessionAuthentication]
    permission_classes = [ApiAccess]
    throttle_classes = [KeyRateThrottle]
    renderer_classes = [JSONRenderer, CSVRenderer]
    rows_returned: int | None = None
    last_modified = None
    use_detail: dict | None = None
    use = None

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response = self._conditional(request, response)
        patch_vary_headers(response, ("Authorization", "X-API-Key", "Cookie"))
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-cache"
        self.use = record_use(
            request, response.status_code, rows=self.rows_returned, detail=self.use_detail
        )
        return response

    def _conditional(self, request, response):
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if response.streaming:
            return response
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        set_response_etag(response)
        timestamp = None
        if self.last_modified is not None:
            timestamp = int(self.last_modified.timestamp())
            response["Last-Modified"] = http_date(timestamp)
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=timestamp, response=response
        )


class TableViewSet(ApiViewMixin, GenericViewSet):
    """A table, a page at a time (``table`` is set on each subclass)."""

    table: Table
    pagination_class = TablePagination
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # building the schema
            return self.table.model.objects.none()
        return self.table.queryset(Scope.for_request(self.request))

    def get_serializer_class(self):
        return self.table.serializer_class

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        rows = self.table.complete(list(self.paginate_queryset(queryset)))
        self.rows_returned = len(rows)
        if self.table.modified:
            moments = [row[self.table.modified] for row in rows if row[self.table.modified]]
            self.last_modified = max(moments, default=None)
        if request.accepted_renderer.format == "csv":
            response = Response(rows)
            links = [
                f'<{url}>; rel="{rel}"'
                for rel, url in (
                    ("next", self.paginator.get_next_link()),
                    ("prev", self.paginator.get_previous_link()),
                )
                if url
            ]
            if links:
                response["Link"] = ", ".join(links)
            return response
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


class TableCsvView(ApiViewMixin, GenericAPIView):
    """The whole table as one CSV (filters apply; no pages): the stable address for a
    spreadsheet or a BI tool that reads a file. Streamed from one query."""

    renderer_classes = [CSVRenderer]
    filter_backends = [DjangoFilterBackend]
    pagination_class = None
    table: Table

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.table.model.objects.none()
        return self.table.queryset(Scope.for_request(self.request))

    def get(self, request, *args, **kwargs):
        rows = self.filter_queryset(self.get_queryset()).iterator(chunk_size=CSV_CHUNK)
        response = StreamingHttpResponse(
            csv_lines(self.table.columns, self._rows(rows)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'inline; filename="{self.table.name}.csv"'
        return response

    def _rows(self, rows):
        count = 0
        for row in rows:
            count += 1
            yield self.table.complete([row])[0]
        if self.use is not None:  # the log learns the number of rows once they are sent
            type(self.use).objects.filter(pk=self.use.pk).update(rows=count)


class MeasureValueViewSet(TableViewSet):
    """Measure values; POST records or corrects them (a read-and-write key only)."""

    parser_classes = [JSONParser]

    def get_serializer_class(self):
        if self.request is not None and self.request.method == "POST":
            return shapes.MeasureValuePush
        return self.table.serializer_class

    def create(self, request, *args, **kwargs):
        key = request.auth
        idempotency_key = request.META.get(IDEMPOTENCY_HEADER, "").strip()
        if not idempotency_key or len(idempotency_key) > 200:
            raise ValidationError(
                {"Idempotency-Key": "Send an Idempotency-Key header (up to 200 characters)."}
            )
        incoming = shapes.MeasureValuePush(data=request.data)
        incoming.is_valid(raise_exception=True)
        digest = hashlib.sha256(
            json.dumps(request.data, sort_keys=True, default=str).encode()
        ).hexdigest()
        earlier = IdempotentRequest.objects.filter(key=key, idempotency_key=idempotency_key)
        stored = earlier.first()
        if stored is None:
            try:
                with transaction.atomic():
                    outcome = measure_values_push(key=key, items=incoming.validated_data["values"])
                    if outcome.errors:
                        self.use_detail = {"refused": len(outcome.errors)}
                        return Response(
                            {
                                "detail": "Nothing was saved: "
                                f"{len({e['index'] for e in outcome.errors})} of "
                                f"{len(incoming.validated_data['values'])} values were refused.",
                                "errors": outcome.errors,
                            },
                            status=status.HTTP_400_BAD_REQUEST,
                        )
                    body = json.loads(
                        json.dumps({**outcome.counts, "results": outcome.results}, default=_plain)
                    )
                    stored = IdempotentRequest.objects.create(
                        key=key,
                        idempotency_key=idempotency_key,
                        request_hash=digest,
                        status=status.HTTP_200_OK,
                        response=body,
                    )
                self.use_detail = {"idempotency_key": idempotency_key, **outcome.counts}
                return Response(body, status=stored.status)
            except IntegrityError:
                stored = earlier.first()  # the same request, sent twice at once: answer as it
                if stored is None:
                    raise
        if stored.request_hash != digest:
            self.use_detail = {"idempotency_key": idempotency_key, "conflict": True}
            return Response(
                {
                    "detail": "This Idempotency-Key was used for a different request. "
                    "Use a new key for new values."
                },
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        self.use_detail = {"idempotency_key": idempotency_key, "replayed": True}
        response = Response(stored.response, status=stored.status)
        response["Idempotent-Replayed"] = "true"
        return response


def _plain(value):
    return float(value) if hasattr(value, "as_tuple") else str(value)


class ApiIndexView(ApiViewMixin, GenericAPIView):
    """Where each table is: its JSON list, its CSV and the schema."""

    renderer_classes = [JSONRenderer]
    pagination_class = None

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="The tables and where to find them")
    def get(self, request, *args, **kwargs):
        return Response(
            {
                "schema": reverse("api:schema", request=request),
                "tables": [
                    {
                        "name": t.name,
                        "description": t.description,
                        "list": reverse(f"api:{t.basename}-list", request=request),
                        "csv": reverse(f"api:{t.basename}-csv", request=request),
                    }
                    for t in TABLES
                ],
            }
        )


def write_doc(tags):
    return extend_schema(
        tags=tags,
        summary="Record or correct measure values",
        description=(
            "All or nothing: every value is checked and recorded as the measure page does, or none "
            "is. A period that already has a different value is corrected only with a `reason`. "
            "Send an `Idempotency-Key` header: the same request sent again with the same key gets "
            "the same answer and changes nothing; a different request with a used key gets 422."
        ),
        request=shapes.MeasureValuePush,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="A value unique to this request, up to 200 characters.",
            )
        ],
        responses={
            200: shapes.MeasureValuePushAnswer,
            400: OpenApiResponse(shapes.MeasureValuePushRefusal, "Refused; nothing was saved."),
            422: OpenApiResponse(description="The Idempotency-Key was used for another request."),
        },
    )


def _list_view(table: Table):
    base = MeasureValueViewSet if table.name == "measure-values" else TableViewSet
    name = "".join(part.title() for part in table.name.split("-"))
    docs = {
        "list": extend_schema(
            summary=f"List {table.name.replace('-', ' ')}",
            description=table.description
            + " JSON by default; `?format=csv` (or `Accept: text/csv`) gives the same page as CSV,"
            " with the next page in the `Link` header.",
            tags=[table.name],
        )
    }
    actions = {"get": "list"}
    if base is MeasureValueViewSet:
        docs["create"] = write_doc([table.name])
        actions["post"] = "create"
    cls = type(
        f"{name}ViewSet",
        (base,),
        {
            "table": table,
            "filterset_class": filterset_for(table),
            "serializer_class": table.serializer_class,
            "__doc__": table.description,
        },
    )
    cls = extend_schema_view(**docs)(cls)
    return cls.as_view(actions)


def _csv_view(table: Table):
    name = "".join(part.title() for part in table.name.split("-"))
    cls = type(
        f"{name}CsvView",
        (TableCsvView,),
        {"table": table, "filterset_class": filterset_for(table), "__doc__": table.description},
    )
    decorated = extend_schema(
        summary=f"Every row of {table.name.replace('-', ' ')} as one CSV",
        description=table.description
        + " Every visible row (filters apply), streamed, with the columns of the list.",
        responses={(200, "text/csv"): OpenApiTypes.STR},
        filters=True,
        tags=[table.name],
    )(cls.get)
    cls.get = decorated
    return cls.as_view()


def list_view(table_name: str):
    return _list_view(BY_NAME[table_name])


def csv_view(table_name: str):
    return _csv_view(BY_NAME[table_name])
