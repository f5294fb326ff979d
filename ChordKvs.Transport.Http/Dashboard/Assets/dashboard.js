// The ChordKvs dashboard: polls this node's /cluster (its own view: successors, fingers) and /cluster/nodes
// (every node found by walking the ring) and draws both. Data is only ever inserted as text, never as markup.
"use strict";
(() => {
  const refreshMs = 2000;
  const svgNs = "http://www.w3.org/2000/svg";
  const ringRadius = 200;
  const barStart = 218;
  const barMaxLength = 58;
  const labelRadius = 290;
  const maxLabelledNodes = 24;

  const byId = (id) => document.getElementById(id);

  function element(name, attributes, parent, text) {
    const node = document.createElementNS(svgNs, name);
    for (const [key, value] of Object.entries(attributes)) {
      node.setAttribute(key, String(value));
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    parent.appendChild(node);
    return node;
  }

  // An identifier is 16 hex digits: its place on the ring as a fraction of 2^64, drawn clockwise from the top.
  function angleOf(id) {
    const fraction = parseInt(id.slice(0, 8), 16) / 2 ** 32 + parseInt(id.slice(8, 16), 16) / 2 ** 64;
    return fraction * 2 * Math.PI - Math.PI / 2;
  }

  function at(angle, radius) {
    return { x: Math.cos(angle) * radius, y: Math.sin(angle) * radius };
  }

  function shortAddress(address) {
    return address.replace(/^https?:\/\//, "");
  }

  function formatBytes(bytes) {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return (unit === 0 ? String(value) : value.toFixed(1)) + " " + units[unit];
  }

  async function getJson(path) {
    const response = await fetch(path, { cache: "no-store", headers: { Accept: "application/json" } });
    if (!response.ok) {
      let detail = "";
      try {
        detail = (await response.json()).detail || "";
      } catch {
        // Not a problem document: the status alone must do.
      }
      throw new Error(`${path} answered ${response.status}${detail ? ": " + detail : ""}`);
    }
    return response.json();
  }

  // Health as /readyz judges it, from the walk alone: a member whose successor names it as predecessor is ready.
  function healthOf(status, walked) {
    if (status.status === "Left") return "left";
    if (status.status !== "Member") return "joining";
    const successor = status.successors[0];
    if (!successor || successor.id === status.node.id) return "ready";
    const next = walked.get(successor.id);
    return next && next.predecessor && next.predecessor.id === status.node.id ? "ready" : "stabilizing";
  }

  // Every node to show: those the walk found, then those a neighbour still names but the walk did not reach.
  function collectNodes(self, walk) {
    const walked = new Map(walk.map((status) => [status.node.id, status]));
    const rows = walk.map((status) => ({ node: status.node, status, health: healthOf(status, walked) }));
    const named = [self.predecessor, ...self.successors, ...self.fingers, ...walk.flatMap((status) => status.successors)];
    for (const node of named) {
      if (node && !walked.has(node.id) && !rows.some((row) => row.node.id === node.id)) {
        rows.push({ node, status: null, health: "unreachable" });
      }
    }
    return rows;
  }

  function rolesOf(self) {
    const roles = new Map();
    const add = (id, role) => roles.set(id, [...(roles.get(id) || []), role]);
    add(self.node.id, "this node");
    self.successors.forEach((node, index) => {
      if (node.id !== self.node.id) add(node.id, `successor ${index + 1}`);
    });
    if (self.predecessor && self.predecessor.id !== self.node.id) add(self.predecessor.id, "predecessor");
    self.fingers.forEach((node) => {
      if (node.id !== self.node.id) add(node.id, "finger");
    });
    return roles;
  }

  function drawRing(self, rows, roles) {
    const svg = byId("ring");
    svg.replaceChildren();
    element("circle", { class: "track", r: ringRadius }, svg);

    const quarters = ["0", "2⁶²", "2⁶³", "3·2⁶²"];
    quarters.forEach((label, index) => {
      const angle = index * Math.PI / 2 - Math.PI / 2;
      const inner = at(angle, ringRadius - 14);
      const outer = at(angle, ringRadius - 6);
      element("line", { class: "tick", x1: inner.x, y1: inner.y, x2: outer.x, y2: outer.y }, svg);
      const text = at(angle, ringRadius - 50);
      element("text", { class: "tick-label", x: text.x, y: text.y }, svg, label);
    });

    // This node's range, (predecessor, self]: the keys it is primary for.
    if (self.predecessor && self.predecessor.id !== self.node.id) {
      const from = angleOf(self.predecessor.id);
      let to = angleOf(self.node.id);
      if (to <= from) to += 2 * Math.PI;
      const start = at(from, ringRadius);
      const end = at(to, ringRadius);
      element("path", {
        class: "range",
        "data-range-of": self.node.id,
        d: `M ${start.x} ${start.y} A ${ringRadius} ${ringRadius} 0 ${to - from > Math.PI ? 1 : 0} 1 ${end.x} ${end.y}`,
      }, svg);
    }

    const selfPoint = at(angleOf(self.node.id), ringRadius);
    const link = (target, cls, rank) => {
      const point = at(angleOf(target.id), ringRadius);
      // Bent towards the centre, so that links to close neighbours stay visible next to the ring.
      element("path", {
        class: cls,
        "data-target-id": target.id,
        ...(rank ? { "data-rank": rank } : {}),
        d: `M ${selfPoint.x} ${selfPoint.y} Q ${(selfPoint.x + point.x) * 0.25} ${(selfPoint.y + point.y) * 0.25} ${point.x} ${point.y}`,
      }, svg);
    };
    const successorIds = new Set(self.successors.map((node) => node.id));
    self.fingers.filter((node) => node.id !== self.node.id && !successorIds.has(node.id)).forEach((node) => link(node, "finger-link"));
    self.successors.filter((node) => node.id !== self.node.id).forEach((node, index) => link(node, "successor-link", index + 1));

    const maxKeys = Math.max(1, ...rows.map((row) => (row.status ? row.status.liveKeys : 0)));
    const labelled = rows.length <= maxLabelledNodes;
    const labels = [];
    for (const row of rows) {
      const id = row.node.id;
      const angle = angleOf(id);
      const nodeRoles = roles.get(id) || [];
      const classes = ["node"];
      if (id === self.node.id) classes.push("self");
      if (successorIds.has(id) && id !== self.node.id) classes.push("successor");
      if (nodeRoles.includes("finger")) classes.push("finger");
      const group = element("g", {
        class: classes.join(" "),
        "data-node-id": id,
        "data-address": row.node.address,
        "data-health": row.health,
        "data-keys": row.status ? row.status.liveKeys : "",
      }, svg);
      element("title", {}, group, `${row.node.address}\nID ${id}\n${row.health}` +
        (row.status ? `\n${row.status.liveKeys} keys, ${formatBytes(row.status.valueBytes)}` : "") +
        (nodeRoles.length ? `\n${nodeRoles.join(", ")}` : ""));

      const barFrom = at(angle, barStart);
      const barTo = at(angle, barStart + barMaxLength);
      element("line", { class: "keys-bar-empty", x1: barFrom.x, y1: barFrom.y, x2: barTo.x, y2: barTo.y }, group);
      if (row.status && row.status.liveKeys > 0) {
        const length = Math.max(2, barMaxLength * row.status.liveKeys / maxKeys);
        const filled = at(angle, barStart + length);
        element("line", { class: "keys-bar", x1: barFrom.x, y1: barFrom.y, x2: filled.x, y2: filled.y }, group);
      }

      const center = at(angle, ringRadius);
      if (id === self.node.id) {
        element("circle", { class: "self-halo", cx: center.x, cy: center.y, r: 19 }, group);
      }
      element("circle", { class: "node-dot", cx: center.x, cy: center.y, r: id === self.node.id ? 12 : 10 }, group);
      const rank = self.successors.findIndex((node) => node.id === id);
      if (rank >= 0 && id !== self.node.id) {
        const badge = at(angle, ringRadius - 30);
        element("circle", { class: "badge-bg", cx: badge.x, cy: badge.y, r: 11 }, group);
        element("text", { class: "badge", x: badge.x, y: badge.y }, group, `s${rank + 1}`);
      }

      if (labelled || nodeRoles.length > 0) {
        const label = at(angle, labelRadius);
        const anchor = Math.abs(label.x) < 25 ? "middle" : label.x > 0 ? "start" : "end";
        labels.push({
          group,
          anchor,
          x: label.x,
          y: label.y + (anchor === "middle" ? (label.y > 0 ? 10 : -10) : 0),
          title: shortAddress(row.node.address),
          detail: `${id.slice(0, 8)}… · ${row.status ? row.status.liveKeys + " keys" : row.health}`,
        });
      }
    }

    placeLabels(labels);
    element("text", { class: "center-value", y: 6 }, svg, String(rows.filter((row) => row.status).length));
    element("text", { class: "center-label", y: 36 }, svg, "nodes");
  }

  // Labels of nodes close together on the ring would overlap: on each side, push every label below the one above it.
  function placeLabels(labels) {
    const lineGap = 40;
    for (const anchor of ["start", "end", "middle"]) {
      const side = labels.filter((label) => label.anchor === anchor).sort((a, b) => a.y - b.y);
      for (let i = 1; i < side.length; i++) {
        const close = anchor !== "middle" || Math.abs(side[i].x - side[i - 1].x) < 180;
        if (close && side[i].y - side[i - 1].y < lineGap) {
          side[i].y = side[i - 1].y + lineGap;
        }
      }
    }
    for (const label of labels) {
      element("text", { class: "node-label", x: label.x, y: label.y - 10, "text-anchor": label.anchor }, label.group, label.title);
      element("text", { class: "node-sublabel", x: label.x, y: label.y + 11, "text-anchor": label.anchor }, label.group, label.detail);
    }
  }

  function fillTable(self, rows, roles) {
    const body = document.querySelector("#nodes tbody");
    body.replaceChildren();
    const maxKeys = Math.max(1, ...rows.map((row) => (row.status ? row.status.liveKeys : 0)));
    for (const row of rows) {
      const tr = document.createElement("tr");
      tr.dataset.nodeId = row.node.id;
      if (row.node.id === self.node.id) tr.className = "self";
      const cell = (className) => {
        const td = document.createElement("td");
        if (className) td.className = className;
        tr.appendChild(td);
        return td;
      };

      // Only web addresses become links: an address is whatever a node advertises.
      const link = document.createElement(/^https?:\/\//.test(row.node.address) ? "a" : "span");
      if (link.tagName === "A") link.href = row.node.address.replace(/\/$/, "") + "/";
      link.textContent = shortAddress(row.node.address);
      cell().appendChild(link);
      cell("mono").textContent = row.node.id;
      const roleCell = cell("role");
      for (const [index, role] of (roles.get(row.node.id) || []).entries()) {
        if (index > 0) roleCell.append(", ");
        const b = document.createElement(role === "this node" ? "b" : "span");
        b.textContent = role;
        roleCell.appendChild(b);
      }
      const pill = document.createElement("span");
      pill.className = `pill ${row.health}`;
      pill.textContent = row.health;
      cell().appendChild(pill);

      const keys = cell("num");
      if (row.status) {
        const bar = document.createElement("span");
        bar.className = "bar";
        bar.style.width = `${Math.round(40 * row.status.liveKeys / maxKeys)}px`;
        keys.append(bar, String(row.status.liveKeys));
      } else {
        keys.textContent = "–";
      }
      cell("num").textContent = row.status ? String(row.status.tombstones) : "–";
      cell("num").textContent = row.status ? formatBytes(row.status.valueBytes) : "–";
      body.appendChild(tr);
    }
  }

  function render(self, walk) {
    const rows = collectNodes(self, walk);
    const roles = rolesOf(self);
    byId("viewer-address").textContent = shortAddress(self.node.address);
    byId("viewer-id").textContent = self.node.id;
    document.title = `ChordKvs · ${shortAddress(self.node.address)}`;
    const members = rows.filter((row) => row.status);
    byId("stat-nodes").textContent = String(members.length);
    byId("stat-ready").textContent = `${rows.filter((row) => row.health === "ready").length} / ${rows.length}`;
    byId("stat-keys").textContent = String(members.reduce((sum, row) => sum + row.status.liveKeys, 0));
    byId("stat-bytes").textContent = formatBytes(members.reduce((sum, row) => sum + row.status.valueBytes, 0));
    drawRing(self, rows, roles);
    fillTable(self, rows, roles);
  }

  function showError(message) {
    const banner = byId("error");
    banner.hidden = message === null;
    banner.textContent = message || "";
  }

  async function refresh() {
    try {
      const self = await getJson("cluster");
      let walk = [self];
      let problem = null;
      try {
        walk = (await getJson("cluster/nodes")).nodes;
      } catch (error) {
        // A joining node has no ring to walk yet: show what it knows of itself.
        problem = `The ring could not be walked: ${error.message}`;
      }
      render(self, walk);
      showError(problem);
      byId("refresh").textContent = `updated ${new Date().toLocaleTimeString()} · every ${refreshMs / 1000} s`;
      document.body.dataset.state = "ready";
    } catch (error) {
      showError(`This node did not answer: ${error.message}. Showing the last view; retrying.`);
      byId("refresh").textContent = "not answering";
      document.body.dataset.state = "error";
    } finally {
      setTimeout(refresh, refreshMs);
    }
  }

  refresh();
})();
