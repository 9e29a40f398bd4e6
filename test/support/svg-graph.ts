// Reads an execution SVG (engine/picture/execution-svg.ts) back as a graph through its data-*
// attributes: the event nodes with their box positions, the edges as `from -kind-> to` by
// event label, the column headers and the title. Shared by the CLI and the server tests.

export interface GraphNode { id: number; thread: number; kind: string; label: string; x: number; y: number }

/** The nodes (with their box position) and edges (`from-label -kind-> to-label`) of an SVG. */
export function readGraph(svg: string): { nodes: GraphNode[]; edges: string[]; headers: string[]; title: string } {
  const nodes = [...svg.matchAll(/<g class="event" id="e\d+" data-id="(\d+)" data-thread="(-?\d+)" data-kind="(\w)" data-label="([^"]*)">\n<rect x="(\d+)" y="(\d+)"/g)]
    .map((m) => ({ id: Number(m[1]), thread: Number(m[2]), kind: m[3]!, label: m[4]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'), x: Number(m[5]), y: Number(m[6]) }));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edges = [...svg.matchAll(/<g class="edge (\w+)" data-kind="\1" data-from="(\d+)" data-to="(\d+)">\n<path [^>]*marker-end="url\(#arrow-\1\)"\/>\n<text [^>]*>\1<\/text>/g)]
    .map((m) => `${byId.get(Number(m[2]))!.label} -${m[1]}-> ${byId.get(Number(m[3]))!.label}`);
  const headers = [...svg.matchAll(/<text class="cpu" data-thread="-?\d+"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
  const title = /<text class="title"[^>]*>([^<]*)<\/text>/.exec(svg)?.[1] ?? '';
  return { nodes, edges, headers, title };
}
