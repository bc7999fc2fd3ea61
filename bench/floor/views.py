from django.shortcuts import render

ITEMS = [
    {"title": f"Frequently asked question number {n}", "url": f"/questions/{n}/", "summary": "A short summary line."}
    for n in range(1, 13)
]


def page(request):
    return render(request, "page.html", {"title": "Framework floor", "items": ITEMS})
