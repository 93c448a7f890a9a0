// The chat page's own behaviour, run once by the sources panel (gr.HTML js_on_load,
// where `server.open_document` is available). Everything it shows from a document is
// put in with textContent, or is HTML the server escaped (webapp/document_view.py).
//
// * [n] in an answer becomes a chip: hover (or focus) previews the cited passage,
//   a click shows that answer's sources and scrolls to source n;
// * a card's "Đọc toàn văn" opens the whole document at the passage, highlighted;
// * on a phone the sources panel is a drawer that a chip or "📚 Nguồn" opens;
// * while an answer is being produced (Stop shown instead of Send), Enter in the
//   question box keeps the question there and points at the busy note;
// * Gradio's English "Liked"/"Disliked" labels are said in Vietnamese.
if (!window.__assistantChat) {
  window.__assistantChat = true;
  const api = server;
  const CITE = /\[(\d{1,2})\]/;
  const LABELS = {
    Liked: "Đã đánh giá tốt (bấm lần nữa để bỏ)",
    Disliked: "Đã đánh giá chưa tốt (bấm lần nữa để bỏ)",
  };
  const phone = () => window.matchMedia("(max-width: 760px)").matches;
  const drawer = (open) =>
    document.querySelector("#sources-col")?.classList.toggle("open", open);
  const botRows = () => [...document.querySelectorAll("#chatbot .message-row.bot-row")];
  const cardOf = (turn, n) =>
    document.querySelector(
      `#sources .src-turn[data-turn="${turn}"] .src-card[data-n="${n}"]`
    );

  function chipify() {
    botRows().forEach((row, turn) => {
      const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT, {
        acceptNode: (node) =>
          node.parentElement.closest(".cite-chip, button, code, pre, textarea")
            ? NodeFilter.FILTER_REJECT
            : CITE.test(node.nodeValue)
              ? NodeFilter.FILTER_ACCEPT
              : NodeFilter.FILTER_SKIP,
      });
      const nodes = [];
      while (walker.nextNode()) nodes.push(walker.currentNode);
      for (const node of nodes) {
        const frag = document.createDocumentFragment();
        for (const part of node.nodeValue.split(/(\[\d{1,2}\])/)) {
          const m = part.match(/^\[(\d{1,2})\]$/);
          if (m) {
            const chip = document.createElement("button");
            chip.type = "button";
            chip.className = "cite-chip";
            chip.dataset.turn = String(turn);
            chip.dataset.n = m[1];
            chip.textContent = part;
            chip.setAttribute("aria-label", `Xem nguồn ${m[1]}`);
            frag.appendChild(chip);
          } else if (part) {
            frag.appendChild(document.createTextNode(part));
          }
        }
        node.replaceWith(frag);
      }
    });
    for (const el of document.querySelectorAll("#chatbot [aria-label], #chatbot [title]")) {
      for (const attr of ["aria-label", "title"]) {
        const said = LABELS[el.getAttribute(attr)];
        if (said) el.setAttribute(attr, said);
      }
    }
  }

  let scheduled = false;
  new MutationObserver(() => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      chipify();
    });
  }).observe(document.body, {
    childList: true,
    subtree: true,
    characterData: true,
    attributes: true,
    attributeFilter: ["aria-label", "title"],
  });

  // ---------------------------------------------------------------- preview
  const tip = document.createElement("div");
  tip.id = "cite-preview";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  document.body.appendChild(tip);

  function preview(chip) {
    const card = cardOf(chip.dataset.turn, chip.dataset.n);
    if (!card) return;
    const marks = [...card.querySelectorAll(".src-text mark")].map((m) => m.textContent);
    const text = marks.length
      ? marks.join("")
      : card.querySelector(".src-text").textContent.slice(0, 280) + "…";
    const head = document.createElement("strong");
    head.textContent = `[${chip.dataset.n}] ${card.querySelector(".src-title")?.textContent || ""}`;
    const body = document.createElement("div");
    body.textContent = text;
    const hint = document.createElement("div");
    hint.className = "cite-hint";
    hint.textContent = "Bấm để xem nguồn đầy đủ";
    tip.replaceChildren(head, body, hint);
    const r = chip.getBoundingClientRect();
    const width = Math.min(360, window.innerWidth - 16);
    tip.style.width = `${width}px`;
    tip.style.left = `${Math.max(8, Math.min(r.left, window.innerWidth - width - 8))}px`;
    tip.hidden = false;
    const below = r.bottom + 6 + tip.offsetHeight < window.innerHeight;
    tip.style.top = `${below ? r.bottom + 6 : Math.max(8, r.top - tip.offsetHeight - 6)}px`;
  }
  const hide = () => (tip.hidden = true);
  for (const kind of ["mouseover", "focusin"]) {
    document.addEventListener(kind, (e) => {
      const chip = e.target.closest?.(".cite-chip");
      if (chip) preview(chip);
    });
  }
  for (const kind of ["mouseout", "focusout"]) {
    document.addEventListener(kind, (e) => {
      if (e.target.closest?.(".cite-chip")) hide();
    });
  }

  // ---------------------------------------------------------- show a source
  function showSource(turn, n, chip) {
    hide();
    const panel = document.querySelector("#sources");
    // an answer still streaming has no sources yet: leave the panel as it is
    if (!panel?.querySelector(`.src-turn[data-turn="${turn}"]`)) return;
    for (const s of panel.querySelectorAll(".src-turn")) {
      s.classList.toggle("active", s.dataset.turn === String(turn));
    }
    for (const c of panel.querySelectorAll(".src-card.current")) c.classList.remove("current");
    if (phone()) drawer(true);
    const card = cardOf(turn, n);
    if (!card) return;
    card.classList.add("current");
    scrollWithin(card);
    if (phone() && chip) {
      // the drawer covers the lower part of the screen: the answer stays above it
      const r = chip.getBoundingClientRect();
      const room = window.innerHeight * 0.4;
      if (r.bottom > room || r.top < 0) scrollWithin(chip, r.top - room / 2);
      const after = chip.getBoundingClientRect();
      if (after.bottom > room || after.top < 0) window.scrollBy(0, after.top - room / 2);
    }
  }

  // scroll the nearest scrolling box around `el` (not the whole page) to show it
  function scrollWithin(el, by) {
    let box = el.parentElement;
    while (box && box !== document.body) {
      const style = getComputedStyle(box);
      if (/(auto|scroll)/.test(style.overflowY) && box.scrollHeight > box.clientHeight) break;
      box = box.parentElement;
    }
    if (!box || box === document.body) {
      el.scrollIntoView({ block: "nearest" });
      return;
    }
    const delta = by ?? el.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
    box.scrollTop += delta;
    if (by !== undefined) return;
    // a sticky head in the box (the phone drawer's "Nguồn / Đóng") covers its top rows
    for (const head of box.querySelectorAll("#sources-head")) {
      if (getComputedStyle(head).position !== "sticky") continue;
      const under = head.getBoundingClientRect().bottom + 8 - el.getBoundingClientRect().top;
      if (under > 0) box.scrollTop -= under;
    }
  }

  // ------------------------------------------------------ the whole document
  const viewer = document.createElement("div");
  viewer.id = "doc-viewer";
  viewer.hidden = true;
  viewer.setAttribute("role", "dialog");
  viewer.setAttribute("aria-modal", "true");
  viewer.setAttribute("aria-label", "Toàn văn tài liệu");
  const box = document.createElement("div");
  box.className = "doc-box";
  const bar = document.createElement("div");
  bar.className = "doc-bar";
  const label = document.createElement("span");
  label.textContent = "📄 Toàn văn tài liệu (đoạn trích được tô màu)";
  const close = document.createElement("button");
  close.type = "button";
  close.className = "doc-close";
  close.textContent = "Đóng ✕";
  bar.append(label, close);
  const docBody = document.createElement("div");
  docBody.className = "doc-body";
  box.append(bar, docBody);
  viewer.appendChild(box);
  document.body.appendChild(viewer);

  async function openDocument(button) {
    const d = button.dataset;
    const card = button.closest(".src-card");
    const text = card?.querySelector(".src-text")?.textContent || "";
    docBody.textContent = "Đang mở tài liệu…";
    viewer.hidden = false;
    close.focus();
    try {
      const html = await api.open_document({
        source: d.source, start: Number(d.start), end: Number(d.end),
        qs: Number(d.qs), qe: Number(d.qe), ss: Number(d.ss), se: Number(d.se), text,
      });
      docBody.innerHTML = html; // escaped by the server (webapp/document_view.py)
      docBody.querySelector("#doc-cited")?.scrollIntoView({ block: "center" });
    } catch (err) {
      docBody.textContent = "Không mở được tài liệu. Hãy thử lại.";
    }
  }

  document.addEventListener(
    "click",
    (e) => {
      const chip = e.target.closest?.(".cite-chip");
      if (chip) {
        e.preventDefault();
        e.stopPropagation();
        showSource(chip.dataset.turn, chip.dataset.n, chip);
        return;
      }
      const open = e.target.closest?.("#sources .src-open");
      if (open) {
        e.preventDefault();
        openDocument(open);
        return;
      }
      if (e.target.closest?.(".doc-close") || e.target === viewer) {
        viewer.hidden = true;
        return;
      }
      if (e.target.closest?.("#sources-toggle")) {
        drawer(!document.querySelector("#sources-col")?.classList.contains("open"));
        return;
      }
      if (e.target.closest?.("#sources-close")) {
        drawer(false);
      }
    },
    true
  );
  // Enter while answering: the question stays in the box, the note says why
  const answering = () => !!document.querySelector("#stop")?.offsetParent;
  document.addEventListener(
    "keydown",
    (e) => {
      if (e.key !== "Enter" || e.shiftKey || e.isComposing) return;
      if (!e.target.closest?.("#question") || !answering()) return;
      e.preventDefault();
      e.stopPropagation();
      const note = document.querySelector("#busy-note");
      if (!note) return;
      note.classList.remove("nudge");
      void note.offsetWidth; // restart the animation
      note.classList.add("nudge");
    },
    true
  );
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      viewer.hidden = true;
      drawer(false);
    }
  });
  chipify();
}
