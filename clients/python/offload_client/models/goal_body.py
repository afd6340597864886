from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.knowledge_type_1 import KnowledgeType1


T = TypeVar("T", bound="GoalBody")


@_attrs_define
class GoalBody:
    """
    Attributes:
        objective (str): What the case should achieve; 1..2000 characters after trimming.
        knowledge (KnowledgeType1 | None | str | Unset):
        private_knowledge (KnowledgeType1 | None | str | Unset):
    """

    objective: str
    knowledge: KnowledgeType1 | None | str | Unset = UNSET
    private_knowledge: KnowledgeType1 | None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.knowledge_type_1 import KnowledgeType1  # noqa: PLC0415

        objective: str
        objective = self.objective

        knowledge: dict[str, Any] | None | str | Unset
        if isinstance(self.knowledge, Unset):
            knowledge = UNSET
        elif isinstance(self.knowledge, KnowledgeType1):
            knowledge = self.knowledge.to_dict()
        else:
            knowledge = self.knowledge

        private_knowledge: dict[str, Any] | None | str | Unset
        if isinstance(self.private_knowledge, Unset):
            private_knowledge = UNSET
        elif isinstance(self.private_knowledge, KnowledgeType1):
            private_knowledge = self.private_knowledge.to_dict()
        else:
            private_knowledge = self.private_knowledge

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "objective": objective,
            }
        )
        if knowledge is not UNSET:
            field_dict["knowledge"] = knowledge
        if private_knowledge is not UNSET:
            field_dict["privateKnowledge"] = private_knowledge

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.knowledge_type_1 import KnowledgeType1  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_objective(data: object) -> str:
            return cast(str, data)

        objective = _parse_objective(d.pop("objective"))

        def _parse_knowledge(data: object) -> KnowledgeType1 | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_knowledge_type_1 = KnowledgeType1.from_dict(data)

                return componentsschemas_knowledge_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(KnowledgeType1 | None | str | Unset, data)

        knowledge = _parse_knowledge(d.pop("knowledge", UNSET))

        def _parse_private_knowledge(data: object) -> KnowledgeType1 | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_knowledge_type_1 = KnowledgeType1.from_dict(data)

                return componentsschemas_knowledge_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(KnowledgeType1 | None | str | Unset, data)

        private_knowledge = _parse_private_knowledge(d.pop("privateKnowledge", UNSET))

        goal_body = cls(
            objective=objective,
            knowledge=knowledge,
            private_knowledge=private_knowledge,
        )

        return goal_body
