from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def group_list(request: HttpRequest) -> HttpResponse:
    return render(request, "groups/list.html", {"groups": []})
