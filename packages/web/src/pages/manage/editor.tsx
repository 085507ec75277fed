// One form open at a time on the Manage page: opening "New book" closes an author being edited.
// It keeps the page short at 390 px and every field and "Save" unambiguous by name.
import { createContext, type ReactNode, useContext, useState } from "react";

const EditorContext = createContext<{ open: string | null; setOpen: (key: string | null) => void } | null>(null);

export function EditorProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState<string | null>(null);
  return <EditorContext.Provider value={{ open, setOpen }}>{children}</EditorContext.Provider>;
}

/** Whether the editor `key` (e.g. "new-author", "author:<id>") is the open one, and how to open or close it. */
export function useEditor(key: string) {
  const context = useContext(EditorContext);
  if (!context) throw new Error("useEditor needs an <EditorProvider>");
  const { open, setOpen } = context;
  return { isOpen: open === key, open: () => setOpen(key), close: () => setOpen(null) };
}
