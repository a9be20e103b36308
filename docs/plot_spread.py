#!/usr/bin/env python3
"""Writes docs/posterior-spread.svg from the spread rows of PosteriorCalibration tables (standard library only).

usage: plot_spread.py table.md [table.md ...] > docs/posterior-spread.svg
Rows are read by their scenario title ("CT <n> views", "MRI <n>x random lines") and the columns mean std and mean
abs error; CT is plotted against views (falling to the right), MRI against acceleration.
"""
import re
import sys

rows = {"CT": [], "MRI": []}
for name in sys.argv[1:]:
    for line in open(name):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 11 or cells[1] != "val":
            continue
        ct = re.match(r"CT (\d+) views, 1% noise$", cells[0])
        mri = re.match(r"MRI (\d+)x random lines", cells[0])
        if ct:
            rows["CT"].append((int(ct.group(1)), float(cells[8]), float(cells[9])))
        elif mri:
            rows["MRI"].append((int(mri.group(1)), float(cells[8]), float(cells[9])))

W, H, M = 360, 260, 50
out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">'
       % (2 * W, H)]
top = max([max(r[1], r[2]) for k in rows for r in rows[k]] + [0.01]) * 1.1
for panel, (key, label) in enumerate([("CT", "views (parallel beam, 180 deg)"), ("MRI", "acceleration (random lines)")]):
    data = sorted(rows[key], reverse=(key == "CT"))
    x0 = panel * W
    out.append('<text x="%d" y="16" font-weight="bold">%s: posterior spread as observations decrease</text>'
               % (x0 + M, key))
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (x0 + M, H - M, x0 + W - 10, H - M))
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (x0 + M, 30, x0 + M, H - M))
    out.append('<text x="%d" y="%d">%s</text>' % (x0 + M, H - 12, label))
    for i in range(5):
        v = top * i / 4
        y = H - M - (H - M - 30) * i / 4
        out.append('<text x="%d" y="%d" text-anchor="end">%.3f</text>' % (x0 + M - 4, y + 4, v))
    n = len(data)
    if n == 0:
        continue
    xs = [x0 + M + 20 + (W - M - 40) * i / max(1, n - 1) for i in range(n)]
    for i, r in enumerate(data):
        out.append('<text x="%.0f" y="%d" text-anchor="middle">%d</text>' % (xs[i], H - M + 14, r[0]))
    for column, colour, name in [(1, "#1f77b4", "mean std"), (2, "#d62728", "mean |error|")]:
        points = " ".join("%.1f,%.1f" % (xs[i], H - M - (H - M - 30) * data[i][column] / top) for i in range(n))
        out.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (colour, points))
        out.append('<text x="%d" y="%d" fill="%s">%s</text>' % (x0 + W - 110, 40 + 14 * column, colour, name))
out.append("</svg>")
print("\n".join(out))
