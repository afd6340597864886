"""Contains all the data models used in inputs/outputs"""

from .answer_form import AnswerForm
from .attachment import Attachment
from .attachment_link import AttachmentLink
from .cancelled import Cancelled
from .case_page import CasePage
from .case_status import CaseStatus
from .case_summary import CaseSummary
from .case_view import CaseView
from .channel import Channel
from .channel_name import ChannelName
from .counterparty import Counterparty
from .counterparty_body import CounterpartyBody
from .counterparty_body_custom_data_type_0 import CounterpartyBodyCustomDataType0
from .counterparty_body_timezone_type_1 import CounterpartyBodyTimezoneType1
from .counterparty_custom_data_type_0 import CounterpartyCustomDataType0
from .create_case_body import CreateCaseBody
from .create_case_body_metadata_type_0 import CreateCaseBodyMetadataType0
from .created_case import CreatedCase
from .day import Day
from .envelope_attachment_link import EnvelopeAttachmentLink
from .envelope_attachment_link_data import EnvelopeAttachmentLinkData
from .envelope_cancelled import EnvelopeCancelled
from .envelope_cancelled_data import EnvelopeCancelledData
from .envelope_case_page import EnvelopeCasePage
from .envelope_case_page_data import EnvelopeCasePageData
from .envelope_case_view import EnvelopeCaseView
from .envelope_case_view_data import EnvelopeCaseViewData
from .envelope_created_case import EnvelopeCreatedCase
from .envelope_created_case_data import EnvelopeCreatedCaseData
from .envelope_event_page import EnvelopeEventPage
from .envelope_event_page_data import EnvelopeEventPageData
from .envelope_health import EnvelopeHealth
from .envelope_health_data import EnvelopeHealthData
from .envelope_inbound_outcome import EnvelopeInboundOutcome
from .envelope_inbound_outcome_data import EnvelopeInboundOutcomeData
from .envelope_input_accepted import EnvelopeInputAccepted
from .envelope_input_accepted_data import EnvelopeInputAcceptedData
from .envelope_pause_state import EnvelopePauseState
from .envelope_pause_state_data import EnvelopePauseStateData
from .envelope_redelivery_accepted import EnvelopeRedeliveryAccepted
from .envelope_redelivery_accepted_data import EnvelopeRedeliveryAcceptedData
from .envelope_sns_outcome import EnvelopeSnsOutcome
from .envelope_sns_outcome_data import EnvelopeSnsOutcomeData
from .envelope_suppression_page import EnvelopeSuppressionPage
from .envelope_suppression_page_data import EnvelopeSuppressionPageData
from .error_detail import ErrorDetail
from .error_envelope import ErrorEnvelope
from .event_page import EventPage
from .goal import Goal
from .goal_body import GoalBody
from .health import Health
from .human_input import HumanInput
from .inbound_outcome import InboundOutcome
from .input_accepted import InputAccepted
from .input_body import InputBody
from .input_request import InputRequest
from .input_request_status import InputRequestStatus
from .json_schema import JsonSchema
from .knowledge_type_1 import KnowledgeType1
from .openapi_json_response_200 import OpenapiJsonResponse200
from .pause_state import PauseState
from .redelivery_accepted import RedeliveryAccepted
from .result_status import ResultStatus
from .send_window import SendWindow
from .send_window_body import SendWindowBody
from .send_window_body_days_item import SendWindowBodyDaysItem
from .sender_persona import SenderPersona
from .sender_persona_body import SenderPersonaBody
from .sns_outcome import SnsOutcome
from .suppression import Suppression
from .suppression_page import SuppressionPage
from .suppression_reason import SuppressionReason
from .timeline_entry_type_0 import TimelineEntryType0
from .timeline_entry_type_0_type import TimelineEntryType0Type
from .timeline_entry_type_1 import TimelineEntryType1
from .timeline_entry_type_1_type import TimelineEntryType1Type
from .timeline_entry_type_2 import TimelineEntryType2
from .timeline_entry_type_2_type import TimelineEntryType2Type
from .timeline_entry_type_3 import TimelineEntryType3
from .timeline_entry_type_3_type import TimelineEntryType3Type
from .timeline_entry_type_4 import TimelineEntryType4
from .timeline_entry_type_4_type import TimelineEntryType4Type
from .timeline_entry_type_5 import TimelineEntryType5
from .timeline_entry_type_5_type import TimelineEntryType5Type
from .timeline_entry_type_6 import TimelineEntryType6
from .timeline_entry_type_6_type import TimelineEntryType6Type
from .timeline_entry_type_7 import TimelineEntryType7
from .timeline_entry_type_7_type import TimelineEntryType7Type
from .timeline_entry_type_8 import TimelineEntryType8
from .timeline_entry_type_8_type import TimelineEntryType8Type
from .timeline_entry_type_9 import TimelineEntryType9
from .timeline_entry_type_9_type import TimelineEntryType9Type
from .timeline_entry_type_10 import TimelineEntryType10
from .timeline_entry_type_10_type import TimelineEntryType10Type
from .timeline_entry_type_11 import TimelineEntryType11
from .timeline_entry_type_11_type import TimelineEntryType11Type
from .timeline_entry_type_12 import TimelineEntryType12
from .timeline_entry_type_12_type import TimelineEntryType12Type
from .timeline_entry_type_13 import TimelineEntryType13
from .timeline_entry_type_13_type import TimelineEntryType13Type
from .timeline_event_type_0 import TimelineEventType0
from .timeline_event_type_0_type import TimelineEventType0Type
from .timeline_event_type_1 import TimelineEventType1
from .timeline_event_type_1_type import TimelineEventType1Type
from .timeline_event_type_2 import TimelineEventType2
from .timeline_event_type_2_type import TimelineEventType2Type
from .timeline_event_type_3 import TimelineEventType3
from .timeline_event_type_3_type import TimelineEventType3Type
from .timeline_event_type_4 import TimelineEventType4
from .timeline_event_type_4_type import TimelineEventType4Type
from .timeline_event_type_5 import TimelineEventType5
from .timeline_event_type_5_type import TimelineEventType5Type
from .timeline_event_type_6 import TimelineEventType6
from .timeline_event_type_6_type import TimelineEventType6Type
from .timeline_event_type_7 import TimelineEventType7
from .timeline_event_type_7_type import TimelineEventType7Type
from .timeline_event_type_8 import TimelineEventType8
from .timeline_event_type_8_type import TimelineEventType8Type
from .timeline_event_type_9 import TimelineEventType9
from .timeline_event_type_9_type import TimelineEventType9Type
from .timeline_event_type_10 import TimelineEventType10
from .timeline_event_type_10_type import TimelineEventType10Type
from .timeline_event_type_11 import TimelineEventType11
from .timeline_event_type_11_type import TimelineEventType11Type
from .timeline_event_type_12 import TimelineEventType12
from .timeline_event_type_12_type import TimelineEventType12Type
from .timeline_event_type_13 import TimelineEventType13
from .timeline_event_type_13_type import TimelineEventType13Type

__all__ = (
    "AnswerForm",
    "Attachment",
    "AttachmentLink",
    "Cancelled",
    "CasePage",
    "CaseStatus",
    "CaseSummary",
    "CaseView",
    "Channel",
    "ChannelName",
    "Counterparty",
    "CounterpartyBody",
    "CounterpartyBodyCustomDataType0",
    "CounterpartyBodyTimezoneType1",
    "CounterpartyCustomDataType0",
    "CreateCaseBody",
    "CreateCaseBodyMetadataType0",
    "CreatedCase",
    "Day",
    "EnvelopeAttachmentLink",
    "EnvelopeAttachmentLinkData",
    "EnvelopeCancelled",
    "EnvelopeCancelledData",
    "EnvelopeCasePage",
    "EnvelopeCasePageData",
    "EnvelopeCaseView",
    "EnvelopeCaseViewData",
    "EnvelopeCreatedCase",
    "EnvelopeCreatedCaseData",
    "EnvelopeEventPage",
    "EnvelopeEventPageData",
    "EnvelopeHealth",
    "EnvelopeHealthData",
    "EnvelopeInboundOutcome",
    "EnvelopeInboundOutcomeData",
    "EnvelopeInputAccepted",
    "EnvelopeInputAcceptedData",
    "EnvelopePauseState",
    "EnvelopePauseStateData",
    "EnvelopeRedeliveryAccepted",
    "EnvelopeRedeliveryAcceptedData",
    "EnvelopeSnsOutcome",
    "EnvelopeSnsOutcomeData",
    "EnvelopeSuppressionPage",
    "EnvelopeSuppressionPageData",
    "ErrorDetail",
    "ErrorEnvelope",
    "EventPage",
    "Goal",
    "GoalBody",
    "Health",
    "HumanInput",
    "InboundOutcome",
    "InputAccepted",
    "InputBody",
    "InputRequest",
    "InputRequestStatus",
    "JsonSchema",
    "KnowledgeType1",
    "OpenapiJsonResponse200",
    "PauseState",
    "RedeliveryAccepted",
    "ResultStatus",
    "SenderPersona",
    "SenderPersonaBody",
    "SendWindow",
    "SendWindowBody",
    "SendWindowBodyDaysItem",
    "SnsOutcome",
    "Suppression",
    "SuppressionPage",
    "SuppressionReason",
    "TimelineEntryType0",
    "TimelineEntryType0Type",
    "TimelineEntryType1",
    "TimelineEntryType10",
    "TimelineEntryType10Type",
    "TimelineEntryType11",
    "TimelineEntryType11Type",
    "TimelineEntryType12",
    "TimelineEntryType12Type",
    "TimelineEntryType13",
    "TimelineEntryType13Type",
    "TimelineEntryType1Type",
    "TimelineEntryType2",
    "TimelineEntryType2Type",
    "TimelineEntryType3",
    "TimelineEntryType3Type",
    "TimelineEntryType4",
    "TimelineEntryType4Type",
    "TimelineEntryType5",
    "TimelineEntryType5Type",
    "TimelineEntryType6",
    "TimelineEntryType6Type",
    "TimelineEntryType7",
    "TimelineEntryType7Type",
    "TimelineEntryType8",
    "TimelineEntryType8Type",
    "TimelineEntryType9",
    "TimelineEntryType9Type",
    "TimelineEventType0",
    "TimelineEventType0Type",
    "TimelineEventType1",
    "TimelineEventType10",
    "TimelineEventType10Type",
    "TimelineEventType11",
    "TimelineEventType11Type",
    "TimelineEventType12",
    "TimelineEventType12Type",
    "TimelineEventType13",
    "TimelineEventType13Type",
    "TimelineEventType1Type",
    "TimelineEventType2",
    "TimelineEventType2Type",
    "TimelineEventType3",
    "TimelineEventType3Type",
    "TimelineEventType4",
    "TimelineEventType4Type",
    "TimelineEventType5",
    "TimelineEventType5Type",
    "TimelineEventType6",
    "TimelineEventType6Type",
    "TimelineEventType7",
    "TimelineEventType7Type",
    "TimelineEventType8",
    "TimelineEventType8Type",
    "TimelineEventType9",
    "TimelineEventType9Type",
)
