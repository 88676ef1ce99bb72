/** A label table ({value: label}) as react-admin choices ([{id, name}]), in the table's order. */
export function choices<T extends string>(labels: Record<T, string>): { id: T; name: string }[] {
  return (Object.entries(labels) as [T, string][]).map(([id, name]) => ({ id, name }));
}
